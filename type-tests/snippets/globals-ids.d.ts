/** Ids a snippet receives from elsewhere in the reader's app (a route, a connection). */
declare global {
  const documentId: string;
  const socketId: string;
}

export {};
