import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createLiveClient } from '@strapi-live/client';
import { LiveProvider } from '@strapi-live/react';
import { strapiUrl } from '../../shared/settings';
import { App } from './App';
import '../../shared/page.css';

const url = strapiUrl();
// One client for the page's lifetime, created outside React: StrictMode's double render cannot
// open a second connection.
const live = createLiveClient({ url });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <LiveProvider client={live}>
      <App strapiUrl={url} />
    </LiveProvider>
  </StrictMode>,
);
