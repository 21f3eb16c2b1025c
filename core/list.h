/*
 * list.h - intrusive doubly linked lists with the kernel's head/tail semantics.
 *
 * Models include/linux/list.h as the allocator uses it: list_add puts an entry
 * first, list_add_tail last, list_move_tail unlinks and appends.  The order of
 * entries is observable (it decides which page is handed out next), so these
 * helpers must never reorder.  list_del poisons the links as the kernel does.
 * As in the kernel, list_empty() may run without the list's lock (the
 * watermark check peeks at free lists), so next pointers are written with
 * WRITE_ONCE and read with READ_ONCE -- also because a page's lru.next is
 * its compound_head word, which move_freepages() reads on pages it does not
 * own.
 */
#ifndef BF_CORE_LIST_H
#define BF_CORE_LIST_H

#include <stddef.h>
#include "lock.h"

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_POISON1 ((struct list_head *)0xdead000000000100UL)
#define LIST_POISON2 ((struct list_head *)0xdead000000000122UL)

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

static inline void INIT_LIST_HEAD(struct list_head *h)
{
	WRITE_ONCE(h->next, h);
	h->prev = h;
}

static inline void __list_add(struct list_head *n, struct list_head *prev,
			      struct list_head *next)
{
	next->prev = n;
	WRITE_ONCE(n->next, next);
	n->prev = prev;
	WRITE_ONCE(prev->next, n);
}

/* list_add: new entry becomes the first element. */
static inline void list_add(struct list_head *n, struct list_head *head)
{
	__list_add(n, head, head->next);
}

/* list_add_tail: new entry becomes the last element. */
static inline void list_add_tail(struct list_head *n, struct list_head *head)
{
	__list_add(n, head->prev, head);
}

static inline void __list_del_entry(struct list_head *e)
{
	e->next->prev = e->prev;
	WRITE_ONCE(e->prev->next, e->next);
}

static inline void list_del(struct list_head *e)
{
	__list_del_entry(e);
	WRITE_ONCE(e->next, LIST_POISON1);
	e->prev = LIST_POISON2;
}

static inline void list_move_tail(struct list_head *e, struct list_head *head)
{
	__list_del_entry(e);
	list_add_tail(e, head);
}

static inline int list_empty(const struct list_head *head)
{
	return READ_ONCE(head->next) == head;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(head, type, member) list_entry((head)->next, type, member)
#define list_last_entry(head, type, member) list_entry((head)->prev, type, member)
#define list_first_entry_or_null(head, type, member) \
	(list_empty(head) ? NULL : list_first_entry(head, type, member))

#define list_for_each(pos, head) \
	for (pos = (head)->next; pos != (head); pos = pos->next)

#endif /* BF_CORE_LIST_H */
