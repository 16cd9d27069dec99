package io.cocostream.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of all of a process's RocksDB stores together: one LRU block cache
 * shared by every store, with their memtables charged to it. Without it, each store and task gets
 * its own cache and memtables, and a pod's memory grows with its task count.
 */
public final class BoundedRocksDb implements RocksDBConfigSetter {
    /** Total bytes for all stores' block cache and memtables (Streams config key). */
    public static final String MEMORY_CONFIG = "cocostream.rocksdb.memory.bytes";
    /** The default, 256 MiB. */
    public static final long DEFAULT_MEMORY = 256L << 20;
    /** Memtables may take up to this share of it; index and filter blocks get a high-priority tenth. */
    private static final double MEMTABLE_SHARE = 0.25;
    private static final double INDEX_FILTER_SHARE = 0.1;

    private static Cache cache;
    private static WriteBufferManager writeBuffers;

    private static synchronized void init(long bytes) {
        if (cache == null) {
            cache = new LRUCache(bytes, -1, false, INDEX_FILTER_SHARE);
            writeBuffers = new WriteBufferManager((long) (bytes * MEMTABLE_SHARE), cache);
        }
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Object v = configs.get(MEMORY_CONFIG);
        init(v == null ? DEFAULT_MEMORY : Long.parseLong(v.toString()));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBuffers);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are shared by every store: they live as long as the process.
    }
}
