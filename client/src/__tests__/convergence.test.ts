import { convergenceSuite } from './convergence-suite';

// SQLite: text in binary (code point) order, NULL lowest; the SDK orders every sort itself.
convergenceSuite({ text: 'binary', nulls: 'first' });
