// Progressive enhancement only: every page works without this file.
import { initAll } from '/js/nhsuk-frontend.min.js';

initAll();
