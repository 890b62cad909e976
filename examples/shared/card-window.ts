/**
 * How much of the live article list the three pages render: the first {@link CARDS_PER_PAGE}
 * cards, and a "Show more" button that adds as many again.
 *
 * Why a window: the SDK keeps the whole list current (10,000 articles, hundreds of events a second,
 * every one applied), but a page that renders every card pays for all of them on each update, and
 * the longest tasks then grow with the list: React reconciles every row and can move the DOM of
 * every card between an edited card's old and new place, the browser restyles and lays them out.
 * Rendering a prefix of the list bounds each update by what the reader asked to see, whatever the
 * list's size; the count above the list still says how many articles there are, and an event for an
 * article outside the window still applies (its card enters or leaves the window as it moves).
 *
 * Why this window rather than rows virtualized by scroll position: cards have no fixed height (a
 * title or a body may wrap, a category or an author may be missing), so virtualizing means
 * measuring each row and anchoring the scroll position while live events insert and remove rows
 * above it: a lot of code for an example, and easy to get subtly wrong. A first page plus "Show
 * more" keeps the document's normal flow (find in page, keyboard, screen readers), and with
 * memoized cards a few hundred cards shown still update cheaply (500 shown: no task over 50 ms).
 *
 * Measured on 10,004 cards before the window (bench/live/browser-longtasks.mjs, 2 cores): with
 * memoized React cards, tasks still took seconds (longest 2.2 s), mostly style and layout of the
 * cards React moved. `content-visibility: auto` on the cards took layout to ~0 but made those moves
 * far dearer (React: 27 s of script in the 10 s of writes, against 2.6 s without it) and still left
 * Vue with 113 tasks over 50 ms, so the cards do not use it.
 */

/** Cards rendered at first, and added by each "Show more". */
export const CARDS_PER_PAGE = 50;

/** The cards to render: the first `limit` of `items`, and how many the list has beyond them. */
export function cardWindow<T>(items: readonly T[], limit: number): { shown: readonly T[]; hidden: number } {
  if (items.length <= limit) return { shown: items, hidden: 0 };
  return { shown: items.slice(0, limit), hidden: items.length - limit };
}

/** The window after one more "Show more". */
export const nextLimit = (limit: number): number => limit + CARDS_PER_PAGE;

/** The line above the list: how many articles there are (shown or not). */
export const articleCountLabel = (count: number): string => `${count} ${count === 1 ? 'article' : 'articles'}`;

/** The button's text, for `hidden` cards not shown yet. */
export const showMoreLabel = (hidden: number): string => `Show ${Math.min(hidden, CARDS_PER_PAGE)} more (${hidden.toLocaleString('en')} not shown)`;
