import { defineConfig } from 'vite';
import { examplePage } from '../shared/vite-page.ts';

export default defineConfig(examplePage('vanilla', import.meta.dirname));
