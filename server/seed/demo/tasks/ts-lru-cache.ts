/** Demo task `ts-lru-cache`. */
import type { TaskInput } from '../../../../shared/types'
import { md, code } from '../block'

export const lruCache: TaskInput = {
  id: 'ts-lru-cache',
  language: 'typescript',
  entry_point: 'LRUCache',
  metadata: { source: 'demo', difficulty: 'hard', topic: 'data structures' },
  prompt: md`
    # LRU cache

    Implement \`class LRUCache<K, V>\`, a cache that holds at most \`capacity\` entries:

    - \`new LRUCache(capacity)\` — throws a \`RangeError\` unless \`capacity\` is an integer ≥ 1;
    - \`get(key): V | undefined\` — the value, or \`undefined\`; a hit makes the entry the most
      recently used;
    - \`put(key, value): void\` — inserts or replaces, making the entry the most recently used;
      when the cache is over capacity, evicts the **least recently used** entry;
    - \`size: number\` — the number of entries (a getter).

    Both \`get\` and \`put\` must run in O(1) on average.

    ~~~ts
    const cache = new LRUCache<string, number>(2)
    cache.put('a', 1)
    cache.put('b', 2)
    cache.get('a')      // → 1, and 'a' is now the most recently used
    cache.put('c', 3)   // evicts 'b'
    cache.get('b')      // → undefined
    ~~~
  `,
  candidates: [
    {
      id: 'a',
      model: 'model-d',
      code: code`
        class LRUCache<K, V> {
          private keys: K[] = []
          private values: V[] = []
          private readonly capacity: number

          constructor(capacity: number) {
            if (!Number.isInteger(capacity) || capacity < 1) {
              throw new RangeError('capacity must be a positive integer')
            }
            this.capacity = capacity
          }

          get size(): number {
            return this.keys.length
          }

          get(key: K): V | undefined {
            const index = this.keys.indexOf(key)
            if (index === -1) return undefined
            const value = this.values[index]
            this.keys.splice(index, 1)
            this.values.splice(index, 1)
            this.keys.push(key)
            this.values.push(value)
            return value
          }

          put(key: K, value: V): void {
            const index = this.keys.indexOf(key)
            if (index !== -1) {
              this.keys.splice(index, 1)
              this.values.splice(index, 1)
            } else if (this.keys.length === this.capacity) {
              this.keys.shift()
              this.values.shift()
            }
            this.keys.push(key)
            this.values.push(value)
          }
        }
      `,
    },
    {
      id: 'b',
      model: 'model-b',
      code: code`
        class LRUCache<K, V> {
          private readonly entries = new Map<K, V>()
          private readonly capacity: number

          constructor(capacity: number) {
            if (!Number.isInteger(capacity) || capacity < 1) {
              throw new RangeError('capacity must be a positive integer')
            }
            this.capacity = capacity
          }

          get size(): number {
            return this.entries.size
          }

          get(key: K): V | undefined {
            return this.entries.get(key)
          }

          put(key: K, value: V): void {
            if (this.entries.has(key)) {
              this.entries.delete(key)
            } else if (this.entries.size >= this.capacity) {
              const oldest = this.entries.keys().next().value as K
              this.entries.delete(oldest)
            }
            this.entries.set(key, value)
          }
        }
      `,
    },
    {
      id: 'c',
      model: 'model-a',
      code: code`
        class LRUCache<K, V> {
          // A Map iterates in insertion order, so its first key is the least recently used.
          private readonly entries = new Map<K, V>()
          private readonly capacity: number

          constructor(capacity: number) {
            if (!Number.isInteger(capacity) || capacity < 1) {
              throw new RangeError('capacity must be a positive integer')
            }
            this.capacity = capacity
          }

          get size(): number {
            return this.entries.size
          }

          get(key: K): V | undefined {
            if (!this.entries.has(key)) return undefined
            const value = this.entries.get(key) as V
            this.entries.delete(key)
            this.entries.set(key, value)
            return value
          }

          put(key: K, value: V): void {
            this.entries.delete(key)
            this.entries.set(key, value)
            if (this.entries.size > this.capacity) {
              this.entries.delete(this.entries.keys().next().value as K)
            }
          }
        }
      `,
    },
    {
      id: 'd',
      model: 'model-c',
      code: code`
        interface LinkedNode<K, V> {
          key: K
          value: V
          previous: LinkedNode<K, V> | null
          next: LinkedNode<K, V> | null
        }

        class LRUCache<K, V> {
          private capacity: number
          private nodesByKey: Map<K, LinkedNode<K, V>>
          private head: LinkedNode<K, V> | null // the most recently used node
          private tail: LinkedNode<K, V> | null // the least recently used node

          constructor(capacity: number) {
            if (typeof capacity !== 'number' || Math.floor(capacity) !== capacity) {
              throw new RangeError('The capacity of the cache has to be a whole number')
            }
            if (capacity <= 0) {
              throw new RangeError('The capacity of the cache has to be at least 1')
            }
            this.capacity = capacity
            this.nodesByKey = new Map()
            this.head = null
            this.tail = null
          }

          get size(): number {
            return this.nodesByKey.size
          }

          private detach(node: LinkedNode<K, V>): void {
            if (node.previous !== null) {
              node.previous.next = node.next
            } else {
              this.head = node.next
            }
            if (node.next !== null) {
              node.next.previous = node.previous
            } else {
              this.tail = node.previous
            }
            node.previous = null
            node.next = null
          }

          private attachAtHead(node: LinkedNode<K, V>): void {
            node.previous = null
            node.next = this.head
            if (this.head !== null) {
              this.head.previous = node
            }
            this.head = node
            if (this.tail === null) {
              this.tail = node
            }
          }

          get(key: K): V | undefined {
            const node = this.nodesByKey.get(key)
            if (node === undefined) {
              return undefined
            }
            this.detach(node)
            this.attachAtHead(node)
            return node.value
          }

          put(key: K, value: V): void {
            const existing = this.nodesByKey.get(key)
            if (existing !== undefined) {
              existing.value = value
              this.detach(existing)
              this.attachAtHead(existing)
              return
            }
            const node: LinkedNode<K, V> = { key: key, value: value, previous: null, next: null }
            this.nodesByKey.set(key, node)
            this.attachAtHead(node)
            if (this.nodesByKey.size > this.capacity) {
              const leastRecent = this.tail
              if (leastRecent !== null) {
                this.detach(leastRecent)
                this.nodesByKey.delete(leastRecent.key)
              }
            }
          }
        }
      `,
    },
  ],
  tests: code`
    test('returns stored values', () => {
      const cache = new LRUCache(2)
      cache.put('a', 1)
      cache.put('b', 2)
      assert.equal(cache.get('a'), 1)
      assert.equal(cache.get('b'), 2)
      assert.equal(cache.get('zzz'), undefined)
      assert.equal(cache.size, 2)
    })

    test('evicts the least recently used entry', () => {
      const cache = new LRUCache(2)
      cache.put('a', 1)
      cache.put('b', 2)
      cache.put('c', 3)
      assert.equal(cache.get('a'), undefined)
      assert.equal(cache.get('b'), 2)
      assert.equal(cache.get('c'), 3)
    })

    test('a read makes an entry recently used', () => {
      const cache = new LRUCache(2)
      cache.put('a', 1)
      cache.put('b', 2)
      cache.get('a')
      cache.put('c', 3)
      assert.equal(cache.get('b'), undefined)
      assert.equal(cache.get('a'), 1)
    })

    test('an update replaces the value and makes the entry recently used', () => {
      const cache = new LRUCache(2)
      cache.put('a', 1)
      cache.put('b', 2)
      cache.put('a', 10)
      cache.put('c', 3)
      assert.equal(cache.size, 2)
      assert.equal(cache.get('a'), 10)
      assert.equal(cache.get('b'), undefined)
    })

    test('rejects a capacity below 1', () => {
      assert.throws(() => new LRUCache(0))
    })

    test('evicts the right entries from a large cache', () => {
      const capacity = 100
      const cache = new LRUCache(capacity)
      for (let i = 0; i < capacity; i++) cache.put(i, i)
      for (let i = 0; i < capacity; i += 2) assert.equal(cache.get(i), i)
      for (let i = 0; i < capacity / 2; i++) cache.put(capacity + i, i)
      assert.equal(cache.size, capacity)
      assert.equal(cache.get(1), undefined)
      assert.equal(cache.get(capacity - 1), undefined)
      assert.equal(cache.get(0), 0)
      assert.equal(cache.get(capacity - 2), capacity - 2)
    })

    test('stays fast with many entries and misses', () => {
      const capacity = 2000
      const cache = new LRUCache<number, number>(capacity)
      for (let i = 0; i < capacity; i++) cache.put(i, i)
      let misses = 0
      for (let i = 1; i <= 4000; i++) if (cache.get(-i) === undefined) misses++
      assert.equal(misses, 4000)
      assert.equal(cache.get(0), 0)
    }, { timeout_ms: 40 })
  `,
}
