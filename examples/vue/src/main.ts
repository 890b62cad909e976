import { createApp } from 'vue';
import { createLive } from '@strapi-live/vue';
import { strapiUrl } from '../../shared/settings';
import App from './App.vue';
import '../../shared/page.css';

const url = strapiUrl();

createApp(App, { strapiUrl: url }).use(createLive({ url })).mount('#app');
