/**
 * The GUI action space, compatible with Agent S so prompts and models carry over. Each handler
 * grounds its descriptions (once, when it runs) and returns a structured ScreenAction.
 */
import { normalizeKey } from '../../controllers/keys.js';
import type { Point } from '../../controllers/types.js';
import type { ActionContext, ActionResult, GuiAction, Param } from './types.js';

const str = { kind: 'string' } as const;
const bool = { kind: 'boolean' } as const;
const keyList = { kind: 'array', items: { kind: 'string' } } as const;

function checkKeys(value: unknown): string | null {
  if (!Array.isArray(value)) return null;
  const unknown = value.filter((k) => typeof k !== 'string' || normalizeKey(k) === null);
  return unknown.length === 0
    ? null
    : `has unknown key names: ${unknown.map((k) => JSON.stringify(k)).join(', ')} (use pyautogui names such as "ctrl", "shift", "enter", "a")`;
}

function keys(value: unknown): string[] {
  return (value as string[]).map((k) => normalizeKey(k) as string);
}

const describeElement = (what: string): Param => ({
  name: 'element_description',
  type: str,
  required: true,
  description: `a detailed description of which element to ${what}, at least a full sentence (what it is, its text, where it is)`,
});

function gui(
  name: string,
  description: string,
  params: Param[],
  run: (args: Record<string, unknown>, ctx: ActionContext) => Promise<ActionResult>,
): GuiAction {
  return { kind: 'gui', name, description, params, handler: run };
}

const screen = (action: Extract<ActionResult, { type: 'screen' }>['action']): ActionResult => ({
  type: 'screen',
  action,
});

export function guiActions(): GuiAction[] {
  return [
    gui(
      'click',
      'Click on an element of the screen.',
      [
        describeElement('click on'),
        {
          name: 'num_clicks',
          type: { kind: 'integer', minimum: 1, maximum: 3 },
          required: false,
          default: 1,
          description: 'how many times to click: 1, 2 (double-click) or 3',
        },
        {
          name: 'button_type',
          type: { kind: 'string', enum: ['left', 'middle', 'right'] },
          required: false,
          default: 'left',
          description: 'which mouse button to press',
        },
        {
          name: 'hold_keys',
          type: keyList,
          required: false,
          default: [],
          description: 'keys to hold while clicking, e.g. ["ctrl"]',
          check: checkKeys,
        },
      ],
      async (args, ctx) =>
        screen({
          type: 'click',
          at: await ctx.ground(args.element_description as string),
          clicks: args.num_clicks as number,
          button: args.button_type as 'left' | 'middle' | 'right',
          holdKeys: keys(args.hold_keys),
        }),
    ),
    gui(
      'type',
      'Type text (any Unicode) into an element, or where the keyboard focus is when no element is described.',
      [
        {
          ...describeElement('type into'),
          required: false,
          default: null,
          type: { kind: 'string', nullable: true },
        },
        { name: 'text', type: str, required: false, default: '', description: 'the text to type' },
        {
          name: 'overwrite',
          type: bool,
          required: false,
          default: false,
          description: 'True to clear the existing text of the element first',
        },
        {
          name: 'enter',
          type: bool,
          required: false,
          default: false,
          description: 'True to press Enter after typing',
        },
      ],
      async (args, ctx) => {
        const description = args.element_description as string | null;
        const at: Point | undefined = description ? await ctx.ground(description) : undefined;
        return screen({
          type: 'type',
          text: args.text as string,
          ...(at ? { at } : {}),
          overwrite: args.overwrite as boolean,
          enter: args.enter as boolean,
        });
      },
    ),
    gui(
      'scroll',
      'Scroll inside an element.',
      [
        describeElement('scroll in'),
        {
          name: 'clicks',
          type: { kind: 'integer', minimum: -50, maximum: 50 },
          required: true,
          description: 'how far to scroll: positive scrolls up, negative scrolls down',
        },
        {
          name: 'shift',
          type: bool,
          required: false,
          default: false,
          description: 'True to scroll horizontally',
        },
      ],
      async (args, ctx) =>
        screen({
          type: 'scroll',
          at: await ctx.ground(args.element_description as string),
          clicks: args.clicks as number,
          horizontal: args.shift as boolean,
        }),
    ),
    gui(
      'drag_and_drop',
      'Drag from one place on the screen and drop at another.',
      [
        {
          name: 'starting_description',
          type: str,
          required: true,
          description: 'a detailed description of where the drag starts, at least a full sentence',
        },
        {
          name: 'ending_description',
          type: str,
          required: true,
          description: 'a detailed description of where the drag ends, at least a full sentence',
        },
        {
          name: 'hold_keys',
          type: keyList,
          required: false,
          default: [],
          description: 'keys to hold while dragging',
          check: checkKeys,
        },
      ],
      async (args, ctx) =>
        screen({
          type: 'drag',
          from: await ctx.ground(args.starting_description as string),
          to: await ctx.ground(args.ending_description as string),
          holdKeys: keys(args.hold_keys),
        }),
    ),
    gui(
      'hotkey',
      'Press a key combination, e.g. ["ctrl", "c"] to copy. Prefer this to clicking menus when a shortcut exists.',
      [
        {
          name: 'keys',
          type: keyList,
          required: true,
          description: 'the keys to press together, as a list',
          check: (v) => (Array.isArray(v) && v.length === 0 ? 'must name at least one key' : checkKeys(v)),
        },
      ],
      async (args) => screen({ type: 'hotkey', keys: keys(args.keys) }),
    ),
    gui(
      'hold_and_press',
      'Hold some keys down and press others in sequence.',
      [
        { name: 'hold_keys', type: keyList, required: true, description: 'keys to hold', check: checkKeys },
        {
          name: 'press_keys',
          type: keyList,
          required: true,
          description: 'keys to press one after another while holding',
          check: checkKeys,
        },
      ],
      async (args) =>
        screen({ type: 'hold_and_press', holdKeys: keys(args.hold_keys), pressKeys: keys(args.press_keys) }),
    ),
    gui(
      'open',
      'Open an application or a file by name. Use this rather than hunting for it on the screen.',
      [
        {
          name: 'app_or_filename',
          type: str,
          required: true,
          description: 'the name of the application or file to open (a URL in the browser)',
        },
      ],
      async (args) => screen({ type: 'open', target: args.app_or_filename as string }),
    ),
    gui(
      'switch_applications',
      'Switch to an application that is already open.',
      [
        {
          name: 'app_code',
          type: str,
          required: true,
          description: 'the name of the open application to switch to',
        },
      ],
      async (args) => screen({ type: 'switch_app', app: args.app_code as string }),
    ),
    gui(
      'wait',
      'Wait for some time, e.g. for a page to load.',
      [
        {
          name: 'time',
          type: { kind: 'number', minimum: 0.1, maximum: 60 },
          required: true,
          description: 'seconds to wait (at most 60)',
        },
      ],
      async (args) => screen({ type: 'wait', seconds: args.time as number }),
    ),
    gui(
      'save_to_knowledge',
      'Remember facts for later in this task (text to copy, values you read, names of elements). They are shown back to you as the text buffer.',
      [
        {
          name: 'text',
          type: { kind: 'any' },
          required: true,
          description: 'a list of strings to remember (one string is fine too)',
          check: (v) =>
            typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'))
              ? null
              : 'must be a string or a list of strings',
        },
      ],
      async (args) => ({
        type: 'notes',
        notes: typeof args.text === 'string' ? [args.text] : (args.text as string[]),
      }),
    ),
    gui('done', 'End the task: it is complete and you have checked that it is.', [], async () => ({
      type: 'done',
    })),
    gui(
      'fail',
      'End the task as impossible: it cannot be completed (say why in your reply first).',
      [],
      async () => ({ type: 'fail' }),
    ),
  ];
}

/** The actions that need no screen: an MCP-only run keeps these. */
export const SCREENLESS_ACTIONS: ReadonlySet<string> = new Set(['wait', 'save_to_knowledge', 'done', 'fail']);

/** A registry for a run: every GUI action, or (no screen attached) only the screenless ones. */
export function registerGuiActions(
  registry: { register(action: GuiAction): void },
  options: { screen: boolean },
): void {
  for (const action of guiActions()) {
    if (options.screen || SCREENLESS_ACTIONS.has(action.name)) registry.register(action);
  }
}
