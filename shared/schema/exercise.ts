import { z } from 'zod';
import type { ActionId, ActionStepId, PerspectiveId } from './ids';

/**
 * The records of the "What does good look like?" exercise: the session the
 * facilitator steers, the perspective lanes, themes, votes and actions.
 * Based on the NHS Employers retention guide (docs/exercise.md).
 */

/** The phases of the exercise, in the order the facilitator moves through them. */
export const PHASES = ['setup', 'write', 'reveal', 'compare', 'vote', 'actions', 'done'] as const;
export type Phase = (typeof PHASES)[number];

/** What a board is for: the guided exercise, or a blank board with notes anywhere. */
export const TEMPLATES = ['four-perspectives', 'blank'] as const;
export type Template = (typeof TEMPLATES)[number];

/** How people end up in a perspective group. */
export const GROUP_MODES = ['pick', 'assign', 'auto'] as const;
export type GroupMode = (typeof GROUP_MODES)[number];

/** What people put their dots on. */
const VOTE_TARGETS = ['themes', 'notes'] as const;
export type VoteTarget = (typeof VOTE_TARGETS)[number];

/** A participant's signal on a draft action. */
const ACTION_RESPONSES = ['agree', 'concern'] as const;
export type ActionResponse = (typeof ACTION_RESPONSES)[number];

/** The guide's four perspectives, preloaded by the exercise template; the facilitator may rename them. */
export const DEFAULT_PERSPECTIVES: readonly { id: PerspectiveId; name: string }[] = [
  { id: 'board' as PerspectiveId, name: 'The board' },
  { id: 'hr' as PerspectiveId, name: 'An HR professional' },
  { id: 'managers' as PerspectiveId, name: 'Line managers' },
  { id: 'staff' as PerspectiveId, name: 'Staff' },
];

/** The dots each person has by default, and the most they may put on one item. */
const DEFAULT_VOTE_BUDGET = 5;
const DEFAULT_VOTE_CAP = 3;
/** Bounds the facilitator can set the budget within. */
export const MAX_VOTE_BUDGET = 20;
/** The guide's rule: the team agrees no fewer than three and no more than five actions. */
export const MIN_AGREED_ACTIONS = 3;
export const MAX_AGREED_ACTIONS = 5;
export const PERSPECTIVE_NAME_MAX_CHARS = 60;
export const THEME_TITLE_MAX_CHARS = 120;
export const ACTION_FIELD_MAX_CHARS = 2000;
/** The longest timer a facilitator can set: a long workshop block. */
export const MAX_TIMER_MS = 4 * 60 * 60 * 1000;

/** How long an action has, as people set it: a date to finish by, or a duration from the workshop. */
export const DURATION_UNITS = ['days', 'weeks', 'months'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];
export const MAX_DURATION_AMOUNT = 120;

/** Where an action is up to, reviewed at each check-in. */
export const ACTION_STATUSES = ['not-started', 'under-way', 'done', 'stuck'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];
export const ACTION_STATUS_LABELS: Record<ActionStatus, string> = {
  'not-started': 'Not started',
  'under-way': 'Under way',
  done: 'Done',
  stuck: 'Stuck',
};

export const ACTION_STEP_MAX_CHARS = 500;
export const MAX_STEPS_PER_ACTION = 30;

/**
 * The fields of an action people write as free text: the template's four,
 * and `review`, the note a check-in writes on it (docs/document-layout.md,
 * "`actions`").
 */
export const ACTION_TEXT_FIELDS = ['topic', 'action', 'owner', 'success', 'review'] as const;
export type ActionTextField = (typeof ACTION_TEXT_FIELDS)[number];

/** The columns of the guide's action-plan template, in its order. */
export const PLAN_COLUMNS = ['topic', 'action', 'owner', 'timescale', 'steps', 'success'] as const;
export type PlanColumn = (typeof PLAN_COLUMNS)[number];

/** What a check-in's note on an action is called on screen and in the exports. */
export const ACTION_REVIEW_LABEL = 'Check-in note';

/** The template's column headings, in its order. */
export const ACTION_FIELD_LABELS: Record<PlanColumn, string> = {
  topic: 'Topic and objective',
  action: 'Action',
  owner: 'Owner',
  timescale: 'Timescales',
  steps: 'Steps to take',
  success: 'Success criteria',
};

/** The on-screen name of each written field of an action: the template's heading, or the check-in note's name. */
export const ACTION_TEXT_LABELS: Record<ActionTextField, string> = {
  topic: ACTION_FIELD_LABELS.topic,
  action: ACTION_FIELD_LABELS.action,
  owner: ACTION_FIELD_LABELS.owner,
  success: ACTION_FIELD_LABELS.success,
  review: ACTION_REVIEW_LABEL,
};

/**
 * The guide's questions to ask of an action before agreeing it, as a
 * checklist the group ticks or notes against (the product's own words).
 */
export const NEXT_STEP_QUESTIONS = [
  { key: 'smart', text: 'Is the target specific, measurable, achievable, relevant and time-bound?' },
  { key: 'evidence', text: 'What evidence says this should be an action?' },
  { key: 'focus', text: 'Does it keep us on two or three key areas rather than everything?' },
  { key: 'realistic', text: 'Is the timescale realistic?' },
  { key: 'blockers', text: 'Which personal, team or organisational behaviours could block it?' },
  { key: 'owner', text: 'Is the best person owning it, and are they on board?' },
  { key: 'checkIns', text: 'How often will we check in on it?' },
  { key: 'ics', text: 'How does it fit the integrated care system’s retention priorities?' },
] as const;
export type NextStepQuestion = (typeof NEXT_STEP_QUESTIONS)[number]['key'];

/** The guide's six steps for evaluating an action's impact, each optional. */
export const EVALUATION_STEPS = [
  { key: 'objectives', title: 'Objectives', hint: 'Clear, measurable and relevant: what should change?' },
  { key: 'stakeholders', title: 'Stakeholders', hint: 'Who is involved or affected, and who needs to know?' },
  { key: 'tasks', title: 'Tasks and activities', hint: 'What will be done, by whom, when?' },
  { key: 'measures', title: 'Performance measures', hint: 'Impact and outcomes, not only turnover.' },
  { key: 'dataSources', title: 'Data sources', hint: 'For example the electronic staff record, exit interviews, the staff survey, staff feedback.' },
  { key: 'risks', title: 'Risks and constraints', hint: 'Money, staff time, capacity.' },
] as const;
export type EvaluationStep = (typeof EVALUATION_STEPS)[number]['key'];

export const nextStepCheckSchema = z.object({
  done: z.boolean().catch(false),
  note: z.string().max(ACTION_FIELD_MAX_CHARS).catch(''),
});

/** One question of the next-steps check, for one action. */
export type NextStepCheck = z.infer<typeof nextStepCheckSchema>;

/** One person's dots: item id to how many. */
export type Ballot = Record<string, number>;

const finite = z.number().finite();
const count = z.number().int().min(0);
const phase = z.enum(PHASES);

const timerSchema = z.object({
  // The length the facilitator set, including extensions.
  durationMs: finite.min(0).max(MAX_TIMER_MS),
  // When it reaches zero, on the server's clock; null while paused or not started.
  endsAt: finite.nullable(),
  // What was left when paused; equals durationMs before the first start.
  remainingMs: finite.min(0).max(MAX_TIMER_MS),
  // Play a gentle sound at zero.
  sound: z.boolean(),
  // The phase it was set for: each phase has its own timer, so moving on leaves an old one behind.
  phase: z.enum(PHASES).nullable().catch(null),
});

/**
 * The shared countdown. Times are on the server's clock (each client
 * corrects its own clock by the offset it measured), so every screen shows
 * the same time left.
 */
export type TimerState = z.infer<typeof timerSchema>;

/**
 * The parts of a board a person can look at: the workshop (the exercise or
 * the blank board's notes), the driver diagrams, the action plan, the
 * self-assessment (docs/exercise.md, "Self-assessment"), or "What changed"
 * across the board's retention cycle (schema 8, shared/document/cycle.ts). Each
 * person switches on their own screen; the facilitator's choice is also
 * shared, as `session.facilitatorView`, for the presenter view to follow.
 */
export const ACTIVITIES = ['workshop', 'diagrams', 'plan', 'assessment', 'cycle'] as const;
export type Activity = (typeof ACTIVITIES)[number];

/**
 * What the facilitator is looking at, written by their client whenever they
 * switch (docs/document-layout.md, `session`): the presenter view on the
 * projector follows it without anyone touching it. Strict (no `.catch`
 * inside, no other keys), so the write guard refuses a malformed one; the
 * session reads a malformed one as null.
 */
const facilitatorViewSchema = z.strictObject({
  activity: z.enum(ACTIVITIES),
  // The driver diagram on their screen; null when they have not picked one (the first is shown).
  diagramId: z.string().min(1).max(64).nullable(),
});

/** Where the facilitator is: their activity, and on the driver diagrams which one. */
export type FacilitatorView = z.infer<typeof facilitatorViewSchema>;

const summonsSchema = z.object({
  phase,
  // The facilitator's activity: a summons written before activities were sent reads as the workshop.
  activity: z.enum(ACTIVITIES).catch('workshop'),
  // The driver diagram on their screen, when they were on the diagrams; null otherwise, or when none was picked.
  diagramId: z.string().min(1).max(64).nullable().catch(null),
  // The facilitator's scroll position in that screen, as fractions of the scrollable range.
  scrollX: finite.min(0).max(1),
  scrollY: finite.min(0).max(1),
  // Increases on each press, so the same place can be summoned twice.
  serial: count,
});

/** "Bring everyone to me": where the facilitator was when they pressed it (docs/exercise.md, "Following the facilitator"). */
export type Summons = z.infer<typeof summonsSchema>;

/**
 * Validates the session read from the document, filling in defaults for
 * fields a board has not set yet, so an older board reads as a sensible one.
 */
export const sessionSchema = z.object({
  template: z.enum(TEMPLATES).catch('blank'),
  phase: phase.catch('setup'),
  groupMode: z.enum(GROUP_MODES).catch('pick'),
  anonymous: z.boolean().catch(false),
  voteBudget: count.min(1).max(MAX_VOTE_BUDGET).catch(DEFAULT_VOTE_BUDGET),
  voteCap: count.min(1).max(MAX_VOTE_BUDGET).catch(DEFAULT_VOTE_CAP),
  voteTarget: z.enum(VOTE_TARGETS).catch('themes'),
  locked: z.boolean().catch(false),
  // Set by the server once every draft is on the board.
  revealed: z.boolean().catch(false),
  votingClosed: z.boolean().catch(false),
  actionsAgreed: z.boolean().catch(false),
  // The facilitator shows everyone's self-assessment ratings; the server then publishes their spread (schema 7).
  assessmentRevealed: z.boolean().catch(false),
  timer: timerSchema.nullable().catch(null),
  summons: summonsSchema.nullable().catch(null),
  // What the facilitator is looking at, for the presenter view; null until their client first says.
  facilitatorView: facilitatorViewSchema.nullable().catch(null),
});

/** What the facilitator steers; only the facilitator (and the server) may write it. */
export type Session = z.infer<typeof sessionSchema>;

/*
 * The record validators below refuse a record only when its id, or the field
 * that holds what people wrote (a lane's name, a theme's title, a step's
 * text), does not read; any other field reads as its default when missing or
 * of the wrong type (docs/document-layout.md, "Reading a board").
 */

export const perspectiveSchema = z.object({
  id: z.string().min(1).max(64).brand<'PerspectiveId'>(),
  name: z.string().max(PERSPECTIVE_NAME_MAX_CHARS),
  // Lanes are shown in ascending order.
  order: finite.catch(0),
});

/** A perspective lane, such as "Line managers". */
export type Perspective = z.infer<typeof perspectiveSchema>;

/** A member record holds no id of its own: it is keyed by the participant's id. */
export const memberSchema = z.object({
  perspectiveId: z.string().max(64).brand<'PerspectiveId'>().nullable().catch(null),
  ready: z.boolean().catch(false),
});

/** A person's place in the exercise: their group and whether they are done writing. */
export interface Member extends z.infer<typeof memberSchema> {
  participantId: string;
}

export const themeSchema = z.object({
  id: z.string().min(1).max(64).brand<'ThemeId'>(),
  title: z.string().max(THEME_TITLE_MAX_CHARS),
  createdAt: finite.catch(0),
});

/** Notes grouped under one title during the comparison. */
export type Theme = z.infer<typeof themeSchema>;

const actionText = z.string().max(ACTION_FIELD_MAX_CHARS).catch('');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((date) => !Number.isNaN(Date.parse(`${date}T00:00:00Z`)));
export const timescaleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('date'), date: isoDate }),
  z.object({ kind: z.literal('duration'), amount: z.number().int().min(1).max(MAX_DURATION_AMOUNT), unit: z.enum(DURATION_UNITS) }),
  z.object({ kind: z.literal('text'), text: z.string().min(1).max(ACTION_FIELD_MAX_CHARS) }),
]);

/**
 * An action's timescale. People choose a date or a duration; `text` holds a
 * timescale written before schema 5 (or imported) that reads as neither,
 * kept word for word until someone picks a date or duration for it.
 */
export type Timescale = z.infer<typeof timescaleSchema>;

export const actionSchema = z.object({
  id: z.string().min(1).max(64).brand<'ActionId'>(),
  // The theme it was drafted from, if any.
  themeId: z.string().max(64).brand<'ThemeId'>().nullable().catch(null),
  // Topic and objective.
  topic: actionText,
  action: actionText,
  // Free text: a person, a role or a team.
  owner: actionText,
  // Null until someone sets it.
  timescale: timescaleSchema.nullable().catch(null),
  // Success criteria.
  success: actionText,
  status: z.enum(ACTION_STATUSES).catch('not-started'),
  // The check-in's note on it: what moved, what is stuck. Not a column of the template; optional in a new record, read as '' when absent.
  review: actionText,
  // The plan it was imported from ("plan.xlsx, workshop of 2026-11-02"), for a check-in board.
  importedFrom: z.string().max(ACTION_FIELD_MAX_CHARS).nullable().catch(null),
  createdAt: finite.catch(0),
});

/** A draft action, with the columns of the guide's action-plan template. */
export type Action = z.infer<typeof actionSchema>;

/**
 * A step is its text: one without a text field is not a step. Its text may
 * be empty for a moment while someone retypes it live (schema 6); leaving it
 * blank deletes the step.
 */
export const actionStepSchema = z.object({
  text: z.string().max(ACTION_STEP_MAX_CHARS),
  done: z.boolean().catch(false),
  // Steps are shown in ascending order.
  order: finite.catch(0),
});

/**
 * One of an action's steps to take, ticked off as it is done (schema 5). Its
 * ids are not fields of the record but its key in `actionSteps`,
 * `<actionId>/<stepId>` (docs/document-layout.md).
 */
export interface ActionStep extends z.infer<typeof actionStepSchema> {
  id: ActionStepId;
  actionId: ActionId;
}

/** The per-lane draft counts of `progress`, as written by the server (anything else reads as none). */
export const laneCountsSchema = z.record(z.string().max(64), count);

/** The board's `progress`: its three keys, each a plain value written by the server. */
export const progressSchema = z.object({ drafts: laneCountsSchema, voters: count, dots: count, raters: count });

/**
 * What the board shows of everyone's private work, all people together and
 * never per person: drafts not yet revealed in each lane, how many people
 * have placed at least one dot, how many dots are placed in all (counted
 * as the tally counts them: `countVotes`, shared/rules/dotVoting.ts), and how
 * many people have rated at least one self-assessment topic (schema 7). The
 * server recomputes it on a coarse interval (see docs/exercise.md,
 * "Anonymity"), so a single keystroke, draft or dot does not show.
 */
export type Progress = z.infer<typeof progressSchema>;

/** The published tally of one item. */
export const itemTallySchema = z.object({ dots: count, voters: count });

/** One item's dots in the published tally, and how many people put at least one on it. */
export type ItemTally = z.infer<typeof itemTallySchema>;

/** The board's `votes` once voting has closed: its two keys, each a plain value written by the server. */
export const voteTallySchema = z.object({ items: z.record(z.string().max(64), itemTallySchema), voters: count });

/**
 * The votes as the server publishes them when voting closes: a tally per
 * item, each ballot counted within the budget and the cap, and how many
 * people voted. Never a ballot, and never keyed by person.
 */
export type VoteTally = z.infer<typeof voteTallySchema>;

export const actionResponseSchema = z.enum(ACTION_RESPONSES);
