/**
 * The report's only script, inline and allowed by its hash: keyboard navigation between steps
 * (j/k, n/p, ←/→, Home/End). It reads nothing from the page's text and requests nothing.
 */
export const REPORT_SCRIPT = `(() => {
  const steps = Array.from(document.querySelectorAll('article.step'));
  let current = steps.findIndex((s) => '#' + s.id === location.hash);
  const go = (i) => {
    if (steps.length === 0) return;
    current = Math.max(0, Math.min(steps.length - 1, i));
    const step = steps[current];
    step.focus({ preventScroll: true });
    step.scrollIntoView({ block: 'start' });
    try { history.replaceState(null, '', '#' + step.id); } catch (_) {}
  };
  document.addEventListener('focusin', (e) => {
    const i = steps.indexOf(e.target.closest ? e.target.closest('article.step') : null);
    if (i >= 0) current = i;
  });
  document.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const next = { j: 1, n: 1, ArrowRight: 1, k: -1, p: -1, ArrowLeft: -1 }[e.key];
    if (next) { e.preventDefault(); go(current < 0 ? (next > 0 ? 0 : steps.length - 1) : current + next); }
    else if (e.key === 'Home') { e.preventDefault(); go(0); }
    else if (e.key === 'End') { e.preventDefault(); go(steps.length - 1); }
  });
})();`;
