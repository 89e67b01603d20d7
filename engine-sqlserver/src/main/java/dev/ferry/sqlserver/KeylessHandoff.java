package dev.ferry.sqlserver;

import dev.ferry.core.model.TableId;
import org.apache.kafka.connect.data.Struct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the full load of one table without a primary key hands over to MS-CDC: the token of the
 * marker written while its snapshot was taken, and, once read from the marker's change table,
 * that marker's commit LSN X. The table's snapshot holds exactly its transactions committed before
 * X (see {@link KeylessSnapshot}), so the change stream drops its changes committed before X and
 * applies those from X on. A keyed table needs none of this: replaying a change it already holds
 * is an upsert or a delete of a missing row.
 *
 * <p>Positions carry these entries ({@link SqlServerPosition.Cdc#handoffs()}) until the stream's
 * commit LSN reaches X; after that no change before X can come again, so the entry is dropped.
 *
 * @param token the marker token written for the table's snapshot
 * @param lsn   the marker's commit LSN, null until read from the change table
 */
record KeylessHandoff(String token, Lsn lsn) {

    KeylessHandoff {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("a keyless hand-over needs its marker token");
        }
    }

    /**
     * True when a change of {@code table} from the connector's {@code source} block is in the
     * table's loaded snapshot already: committed before the table's hand-over LSN.
     */
    static boolean inSnapshot(Map<TableId, KeylessHandoff> handoffs, TableId table, Struct source) {
        KeylessHandoff h = handoffs.get(table);
        if (h == null || h.lsn() == null) {
            return false;
        }
        String commit = source.getString("commit_lsn");
        return commit != null && Lsn.parse(commit).compareTo(h.lsn()) < 0;
    }

    /** The entries a position at {@code commitLsn} still needs: those not resolved yet or not reached yet. */
    static Map<TableId, KeylessHandoff> pending(Map<TableId, KeylessHandoff> handoffs, Lsn commitLsn) {
        if (handoffs.isEmpty() || commitLsn == null) {
            return handoffs;
        }
        Map<TableId, KeylessHandoff> left = new TreeMap<>();
        handoffs.forEach((table, h) -> {
            if (h.lsn() == null || commitLsn.compareTo(h.lsn()) < 0) {
                left.put(table, h);
            }
        });
        return left;
    }

    /** The entries as JSON values: a list of {schema, table, token, lsn}, lsn absent until known. */
    static List<Map<String, Object>> toJson(Map<TableId, KeylessHandoff> handoffs) {
        List<Map<String, Object>> list = new ArrayList<>();
        handoffs.forEach((table, h) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schema", table.schema());
            m.put("table", table.name());
            m.put("token", h.token());
            if (h.lsn() != null) {
                m.put("lsn", h.lsn().toString());
            }
            list.add(m);
        });
        return list;
    }

    /** Reads {@link #toJson}'s form; null (a position written before hand-overs existed) is none. */
    static Map<TableId, KeylessHandoff> fromJson(Object json) {
        Map<TableId, KeylessHandoff> result = new TreeMap<>();
        if (json == null) {
            return result;
        }
        for (Object o : (List<?>) json) {
            Map<?, ?> m = (Map<?, ?>) o;
            Object lsn = m.get("lsn");
            result.put(new TableId((String) m.get("schema"), (String) m.get("table")),
                    new KeylessHandoff((String) m.get("token"), lsn == null ? null : Lsn.parse(lsn.toString())));
        }
        return result;
    }
}
