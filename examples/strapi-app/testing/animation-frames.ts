/**
 * Counts animation frames from now until `stop()`: what a "at most one render per frame" test
 * compares its render count with (jsdom runs requestAnimationFrame at ~60 Hz with
 * `pretendToBeVisual`, as Vitest's jsdom environment sets it).
 */
export function countAnimationFrames(): { readonly frames: number; stop(): void } {
  let frames = 0;
  let counting = true;
  const onFrame = () => {
    frames += 1;
    if (counting) requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
  return {
    get frames() {
      return frames;
    },
    stop() {
      counting = false;
    },
  };
}
