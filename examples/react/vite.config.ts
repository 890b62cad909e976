import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { examplePage } from '../shared/vite-page.ts';

export default defineConfig({
  ...examplePage('react', import.meta.dirname),
  plugins: [react()],
  // @strapi-live/react is a workspace link with React in its own node_modules: one React for both.
  resolve: { dedupe: ['react', 'react-dom'] },
});
