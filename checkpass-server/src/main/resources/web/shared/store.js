// A small promise wrapper over IndexedDB: one database per page, object stores with out-of-line keys.

// version: raise it when a page adds a store; the upgrade creates the stores an older database lacks.
export async function openStore(name, stores, version = 1) {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open(name, version);
    req.onupgradeneeded = () => stores
      .filter((s) => !req.result.objectStoreNames.contains(s))
      .forEach((s) => req.result.createObjectStore(s));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const run = (store, mode, action) => new Promise((resolve, reject) => {
    const tx = db.transaction(store, mode);
    const req = action(tx.objectStore(store));
    tx.oncomplete = () => resolve(req ? req.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return {
    get: (store, key) => run(store, 'readonly', (s) => s.get(key)),
    put: (store, key, value) => run(store, 'readwrite', (s) => s.put(value, key)),
    del: (store, key) => run(store, 'readwrite', (s) => s.delete(key)),
    count: (store) => run(store, 'readonly', (s) => s.count()),
    /** Up to limit [key, value] pairs in key order. */
    entries: (store, limit) => new Promise((resolve, reject) => {
      const out = [];
      const tx = db.transaction(store, 'readonly');
      const req = tx.objectStore(store).openCursor();
      req.onsuccess = () => {
        const cursor = req.result;
        if (cursor && out.length < limit) {
          out.push([cursor.key, cursor.value]);
          cursor.continue();
        }
      };
      tx.oncomplete = () => resolve(out);
      tx.onerror = () => reject(tx.error);
    }),
    /** Deletes these keys in one transaction. */
    deleteAll: (store, keys) => run(store, 'readwrite', (s) => { keys.forEach((k) => s.delete(k)); return null; }),
  };
}
