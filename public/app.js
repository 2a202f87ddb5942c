// Progressive enhancement only: every page works without this file.
import { initAll } from '/js/nhsuk-frontend.min.js';

initAll();

// Workshop results (workshops feature): while voting is open, fetch the page again every few
// seconds and swap in the fresh results; the status line tells screen readers, politely, when the
// count has changed. Without this script the "Refresh results" button does the same by hand.
const liveResults = document.querySelector('[data-live-results]');
if (liveResults) {
  const status = document.getElementById('results-status');
  const url = liveResults.getAttribute('data-live-results');
  let summary = document.getElementById('results-summary')?.textContent ?? '';
  const refresh = async () => {
    try {
      const res = await window.fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
      if (!res.ok) return;
      const fresh = new window.DOMParser().parseFromString(await res.text(), 'text/html').getElementById('workshop-results');
      const current = document.getElementById('workshop-results');
      if (!fresh || !current) return;
      current.replaceWith(fresh);
      const now = fresh.querySelector('#results-summary')?.textContent ?? '';
      if (status && now !== summary) status.textContent = now;
      summary = now;
      // Voting has closed: the fresh copy is no longer live, so stop asking.
      if (!fresh.hasAttribute('data-live-results')) window.clearInterval(timer);
    } catch {
      // Offline for a moment: try again next time.
    }
  };
  const timer = window.setInterval(refresh, 5000);
}
