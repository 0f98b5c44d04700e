/**
 * The worker decides each step: reflection on the last step (unless turned off), the generator
 * prompt, the model's reply, and a format check with up to three tries. It only decides; running
 * the action is the agent's job, so checking a reply can never have a side effect.
 */
import type { ModelImage } from '../controllers/screenshot-scaling.js';
import type { ChatMessage, ModelProvider } from '../llm/types.js';
import type { ActionRegistry } from './actions/registry.js';
import { renderActionList } from './actions/render.js';
import type { Action } from './actions/types.js';
import { Conversation } from './history.js';
import { parseAction } from './parser/parse-action.js';
import { formatFeedback, generatorSystemPrompt, stepMessage } from './prompts.js';
import { Reflector } from './reflection.js';

export interface WorkerOptions {
  model: ModelProvider;
  actions: ActionRegistry;
  task: string;
  platform: string;
  hasScreen: boolean;
  /** Turn the reflection agent on (default) or off. */
  reflection: boolean;
  /** Screenshots kept in the conversation (default 8). */
  maxImages?: number;
  /** The most a request may cost, in estimated tokens (GAGENT_CONTEXT_TOKENS; default 24,000). */
  maxContextTokens?: number;
  /** Tries per step before a typed format failure (default 3). */
  formatTries?: number;
  /** Rebinds the actions (an MCP server that finished connecting joins). */
  refreshActions?(): void | Promise<void>;
  /**
   * The model called an action that is not bound: if it belongs to an MCP server still connecting,
   * waits for that server (within its connect timeout) and says whether it is worth parsing again.
   */
  awaitAction?(name: string): Promise<boolean>;
  /** MCP servers still connecting, named in the prompt so the model knows their tools are coming. */
  connecting?(): string[];
}

export interface WorkerObserver {
  onThinking?(phase: 'reflection' | 'plan'): void;
  /** The reviewer's verdict on an earlier step (`judged`), made at the start of the next one. */
  onReflection?(text: string, judged: number): void;
  onFormatRetry?(attempt: number, reason: string): void;
}

export interface StepInput {
  step: number;
  screenshot: ModelImage | null;
  /** The screen's own size (the screenshot may be scaled down from it). */
  screen?: { width: number; height: number } | null;
  /** The previous MCP outcome, given exactly once (already marked untrusted). */
  mcpOutcome: string | null;
  /** Why the previous action did not run, if it did not. */
  feedback: string | null;
  notes: readonly string[];
  /** What the last action did, for the reflection agent. */
  lastOutcome: string | null;
  signal?: AbortSignal;
}

export type Decision =
  | {
      type: 'action';
      plan: string;
      action: Action;
      args: Record<string, unknown>;
      reflection: string | null;
      modelMs: number;
    }
  | { type: 'format_failure'; plan: string; reason: string; reflection: string | null; modelMs: number };

export class Worker {
  private readonly conversation: Conversation;
  private readonly reflector: Reflector | null;
  private lastPlan: string | null = null;
  /** The step the last plan was made for: the one the next reflection judges. */
  private lastPlanStep = 0;
  /** The previous step in one line (its plan and outcome), once it is done. */
  private lastCondensed: string | null = null;
  /** The screen and screenshot sizes of the latest step, for the prompt. */
  private screen: { width: number; height: number; imageWidth: number; imageHeight: number } | null = null;

  constructor(
    private readonly options: WorkerOptions,
    private readonly observer: WorkerObserver = {},
  ) {
    const budget = {
      ...(options.maxImages !== undefined ? { maxImages: options.maxImages } : {}),
      ...(options.maxContextTokens !== undefined ? { maxTokens: options.maxContextTokens } : {}),
    };
    this.conversation = new Conversation(() => this.systemPrompt(), budget);
    this.reflector = options.reflection ? new Reflector(options.model, options.task, budget) : null;
  }

  /** What the step just done came to, in one line: older steps are shown to the model this way. */
  recordStep(line: string): void {
    this.lastCondensed = line;
    this.conversation.condenseLatest(line);
  }

  /** The system prompt lists the actions registered right now. */
  private systemPrompt(): string {
    const mcp = this.options.actions.mcpActions();
    return generatorSystemPrompt({
      task: this.options.task,
      platform: this.options.platform,
      actionList: renderActionList(this.options.actions.list()),
      screen: this.options.hasScreen
        ? (this.screen ?? { width: 0, height: 0, imageWidth: 0, imageHeight: 0 })
        : null,
      hasMcp: mcp.length > 0,
      exampleMcpAction: this.options.hasScreen ? undefined : mcp[0]?.name,
      connecting: this.options.connecting?.() ?? [],
    });
  }

  /** The messages the next model call would get (for tests and debugging). */
  messages(): ChatMessage[] {
    return this.conversation.messages();
  }

  /**
   * Parses a reply; an action that is not bound may belong to a server that joined after the prompt
   * was written (bind it now) or is still connecting (wait for it), so look again before refusing.
   */
  private async parseWithLateServers(text: string): Promise<ReturnType<typeof parseAction>> {
    const parsed = parseAction(text, this.options.actions);
    if (parsed.ok || !parsed.unknownAction) return parsed;
    await this.options.refreshActions?.();
    const again = parseAction(text, this.options.actions);
    if (again.ok || !again.unknownAction || !(await this.options.awaitAction?.(again.unknownAction)))
      return again;
    await this.options.refreshActions?.();
    return parseAction(text, this.options.actions);
  }

  async decide(input: StepInput): Promise<Decision> {
    let modelMs = 0;
    if (input.screenshot) {
      const screen = input.screen ?? input.screenshot;
      this.screen = {
        width: screen.width,
        height: screen.height,
        imageWidth: input.screenshot.width,
        imageHeight: input.screenshot.height,
      };
    }
    let reflection: string | null = null;
    if (this.reflector && this.lastPlan !== null) {
      this.observer.onThinking?.('reflection');
      const reflected = await this.reflector.reflect({
        lastPlan: this.lastPlan,
        lastOutcome: input.lastOutcome ?? 'not reported',
        condensed: this.lastCondensed,
        image: input.screenshot,
        signal: input.signal,
      });
      reflection = reflected.text;
      modelMs += reflected.modelMs;
      this.observer.onReflection?.(reflection, this.lastPlanStep);
    }

    this.conversation.addUser(
      stepMessage({
        step: input.step,
        reflection,
        notes: input.notes,
        mcpOutcome: input.mcpOutcome,
        feedback: input.feedback,
        hasScreenshot: input.screenshot !== null,
      }),
      input.screenshot,
    );

    // Retries go to a copy: the bad replies do not stay in the conversation.
    const attempt: ChatMessage[] = this.conversation.messages();
    const tries = this.options.formatTries ?? 3;
    let lastReply = '';
    let lastError = '';
    for (let i = 1; i <= tries; i++) {
      this.observer.onThinking?.('plan');
      const reply = await this.options.model.complete({ messages: attempt, signal: input.signal });
      modelMs += reply.durationMs;
      lastReply = reply.text;
      const parsed = await this.parseWithLateServers(reply.text);
      if (parsed.ok) {
        this.conversation.addAssistant(reply.text);
        this.lastPlan = reply.text;
        this.lastPlanStep = input.step;
        return {
          type: 'action',
          plan: reply.text,
          action: parsed.action,
          args: parsed.args,
          reflection,
          modelMs,
        };
      }
      lastError = parsed.error;
      if (i < tries) {
        this.observer.onFormatRetry?.(i, parsed.error);
        attempt.push(
          { role: 'assistant', content: reply.text },
          { role: 'user', content: formatFeedback(parsed.error) },
        );
      }
    }
    this.conversation.addAssistant(lastReply);
    this.lastPlan = lastReply;
    this.lastPlanStep = input.step;
    return { type: 'format_failure', plan: lastReply, reason: lastError, reflection, modelMs };
  }
}
