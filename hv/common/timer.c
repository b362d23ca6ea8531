/*
 * Software timers: one list of armed timers in deadline order for the one
 * CPU, and the batch being run by timer_run_expired. After every change the
 * earliest deadline is handed to arch_timer_program() (only when it
 * changed). It never allocates and never calls a callback except from
 * timer_run_expired. Interrupts are off whenever this code runs: that is
 * its only lock.
 */
#include <hv/lib.h>
#include <hv/timer.h>

static struct timer *queue;		/* TIMER_QUEUED, deadline order */
static struct timer *batch;		/* TIMER_FIRING, being run */
static bool running;			/* inside timer_run_expired */
static uint64_t programmed;		/* what arch_timer_program last got */

static void list_unlink(struct timer **head, struct timer *t)
{
	for (struct timer **pp = head; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			t->next = NULL;
			return;
		}
	}
	panic("timer %p not on the list its state names", (void *)t);
}

static void unlink_any(struct timer *t)
{
	switch (t->where) {
	case TIMER_QUEUED:
		list_unlink(&queue, t);
		break;
	case TIMER_FIRING:
		list_unlink(&batch, t);
		break;
	default:
		break;
	}
	t->where = TIMER_IDLE;
}

static void reprogram(void)
{
	uint64_t next;

	if (running) {
		return;	/* timer_run_expired programs once at its end */
	}
	next = timer_next_deadline();
	if (next != programmed) {
		programmed = next;
		arch_timer_program(next);
	}
}

void timer_init(struct timer *t, timer_fn fn, void *data)
{
	BUG_ON(t->where != TIMER_IDLE);
	t->deadline = 0;
	t->fn = fn;
	t->data = data;
	t->next = NULL;
}

void timer_set(struct timer *t, uint64_t deadline_ns)
{
	struct timer **pp = &queue;

	BUG_ON(t->fn == NULL);
	unlink_any(t);
	t->deadline = deadline_ns;
	/* After every timer with a deadline <= ours: equal deadlines keep the
	 * order they were set in. */
	while (*pp != NULL && (*pp)->deadline <= deadline_ns) {
		pp = &(*pp)->next;
	}
	t->next = *pp;
	*pp = t;
	t->where = TIMER_QUEUED;
	reprogram();
}

void timer_stop(struct timer *t)
{
	if (t->where == TIMER_IDLE) {
		return;
	}
	unlink_any(t);
	reprogram();
}

bool timer_pending(const struct timer *t)
{
	return t->where != TIMER_IDLE;
}

uint64_t timer_next_deadline(void)
{
	if (queue == NULL) {
		return 0;
	}
	/* 0 means "none" to the arch: a deadline of 0 is long past anyway. */
	return queue->deadline == 0 ? 1 : queue->deadline;
}

void timer_run_expired(uint64_t now)
{
	struct timer **tail = &batch;

	BUG_ON(running);
	/* Move the expired prefix to the batch first, so a callback that
	 * re-arms its timer for a deadline <= now does not loop here: it runs
	 * at the next interrupt, which the arch raises at once. */
	while (queue != NULL && queue->deadline <= now) {
		struct timer *t = queue;

		queue = t->next;
		t->next = NULL;
		t->where = TIMER_FIRING;
		*tail = t;
		tail = &t->next;
	}
	running = true;
	while (batch != NULL) {
		struct timer *t = batch;

		/* Off every list before its callback, which may set it again
		 * or stop timers still in the batch (they then do not run). */
		batch = t->next;
		t->next = NULL;
		t->where = TIMER_IDLE;
		t->fn(t->data);
	}
	running = false;
	/* Always: the interrupt that brought us here used up the one-shot,
	 * even when it came early and nothing expired. */
	programmed = timer_next_deadline();
	arch_timer_program(programmed);
}
