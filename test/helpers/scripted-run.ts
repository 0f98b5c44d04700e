/** A scripted model for `gagent run` tests: generator replies in order, grounding answered by description. */
import {
  type FakeModelServer,
  type RecordedModelRequest,
  startOpenAIFake,
} from '../fakes/model/scripted-server.js';

export const reply = (code: string, nextAction = 'Doing the next thing.') =>
  `(Previous action verification)\nAs planned.\n(Screenshot Analysis)\nThe window is open.\n(Next Action)\n${nextAction}\n(Grounded Action)\n\`\`\`python\n${code}\n\`\`\``;

export const isGrounding = (r: RecordedModelRequest) => r.lastUserText.startsWith('Query:');
export const isReflection = (r: RecordedModelRequest) =>
  r.text.includes('expert reviewer of a computer-use agent');
export const generatorRequests = (requests: RecordedModelRequest[]) =>
  requests.filter((r) => !isGrounding(r) && !isReflection(r));

export async function startScriptedModel(
  steps: string[],
  points: Record<string, [number, number]> = {},
  reflection = 'Case 2: the trajectory is on track; continue.',
): Promise<FakeModelServer> {
  let next = 0;
  return startOpenAIFake({
    script: (request) => {
      if (isGrounding(request)) {
        const match = Object.entries(points).find(([description]) =>
          request.lastUserText.includes(description),
        );
        return match ? `(${match[1][0]}, ${match[1][1]})` : 'not found';
      }
      if (isReflection(request)) return reflection;
      return steps[next++] ?? reply('agent.fail()', 'The script is over.');
    },
  });
}

export function modelEnv(model: FakeModelServer): Record<string, string> {
  return {
    GAGENT_MODEL: 'openai:scripted',
    OPENAI_BASE_URL: model.baseUrl,
    OPENAI_API_KEY: 'sk-run-test-SECRET-5521',
  };
}

/** The JSONL events a run printed. */
export function events(stdout: string): { type: string; [key: string]: unknown }[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}
