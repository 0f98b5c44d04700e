/**
 * Loads Ink, React and the run view. Ink decides once, when first imported, whether it runs in
 * CI (any CI or CONTINUOUS_INTEGRATION variable) and then draws only the final frame. gagent
 * chooses the live view itself (stdout is a terminal), so Ink is loaded with those variables hidden.
 */
const CI_VARIABLES = ['CI', 'CONTINUOUS_INTEGRATION'] as const;

export async function loadRunView() {
  const hidden = CI_VARIABLES.filter((name) => name in process.env).map(
    (name) => [name, process.env[name]] as const,
  );
  for (const [name] of hidden) delete process.env[name];
  try {
    const [ink, react, view] = await Promise.all([import('ink'), import('react'), import('./RunApp.js')]);
    return { render: ink.render, createElement: react.createElement, RunApp: view.RunApp };
  } finally {
    for (const [name, value] of hidden) process.env[name] = value;
  }
}
