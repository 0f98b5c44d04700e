/** The four sections of a worker reply, for showing the plan to a person without the code block. */

const SECTIONS = [
  'Previous action verification',
  'Screenshot Analysis',
  'Context Analysis',
  'Next Action',
  'Grounded Action',
] as const;
export type PlanSection = (typeof SECTIONS)[number];

export function planSection(plan: string, section: PlanSection): string | null {
  const start = plan.indexOf(`(${section})`);
  if (start < 0) return null;
  const from = start + section.length + 2;
  const ends = SECTIONS.map((s) => plan.indexOf(`(${s})`, from)).filter((i) => i >= 0);
  const text = plan.slice(from, ends.length ? Math.min(...ends) : undefined).trim();
  return text || null;
}

/** What the agent means to do next, in its own words; the reply without its code block when it has no sections. */
export function planIntent(plan: string): string {
  return planSection(plan, 'Next Action') ?? plan.replace(/```[\s\S]*?```/g, '').trim();
}
