import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import { examplePage } from '../shared/vite-page.ts';

export default defineConfig({
  ...examplePage('vue', import.meta.dirname),
  plugins: [vue()],
  resolve: { dedupe: ['vue'] },
});
