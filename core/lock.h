/*
 * lock.h - the model's locks: zone->lock and the per-cpu "irq" lock.
 *
 * Locking is real from the first line so that a threaded harness (one thread
 * per simulated CPU) can run against one world under TSan.  spinlock_t is a
 * test-and-set lock on a C11-style atomic; TSan understands the acquire and
 * release orderings.  local_irq_save()/restore() on a CPU are modelled as a
 * per-cpu lock: in the kernel only that CPU touches its pcp lists with
 * interrupts off; drain_all_pages() runs work *on* each CPU, which the model
 * expresses by taking that CPU's lock.  Uncontended, each costs one atomic
 * exchange and one release store.
 */
#ifndef BF_CORE_LOCK_H
#define BF_CORE_LOCK_H

typedef struct {
	int locked;
} spinlock_t;

static inline void spin_lock_init(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELAXED);
}

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
	}
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/*
 * READ_ONCE / WRITE_ONCE - the kernel reads some allocator state without the
 * lock that guards its writers (free-list heads and nr_free in the watermark
 * check, watermarks, pcp counts in drains, vmstat deltas in snapshots).  Those
 * accesses are relaxed atomics here: the same plain loads and stores on
 * x86_64, and TSan sees the race as intended.
 */
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/* Atomic helpers standing for atomic_t / atomic_long_t. */
#define atomic_read(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define atomic_set(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define atomic_add(p, v) ((void)__atomic_add_fetch((p), (v), __ATOMIC_RELAXED))
#define atomic_add_return(p, v) __atomic_add_fetch((p), (v), __ATOMIC_SEQ_CST)
#define atomic_sub_return(p, v) __atomic_sub_fetch((p), (v), __ATOMIC_SEQ_CST)

#endif /* BF_CORE_LOCK_H */
