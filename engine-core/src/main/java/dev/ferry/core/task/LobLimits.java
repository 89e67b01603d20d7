package dev.ferry.core.task;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.FerryException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.settings.TaskSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * DMS's limited LOB mode: a LOB value longer than LobMaxSize is truncated to it, and each
 * truncation is counted for its table (and logged once per table, naming the column). Applies to
 * full-load rows and to the rows of change events alike, so that a value is the same on the target
 * whichever path wrote it.
 *
 * <p>Which columns are LOBs follows the DMS guide's source data type tables ({@link #lobKind}), and
 * so does the size a value has: DMS counts a BLOB in bytes, a CLOB in UTF-8 bytes and an NCLOB as
 * two bytes per UTF-16 unit ("each character as a double-byte character"). Text is cut at a
 * character boundary: a surrogate pair is never split, so the result is always valid text.
 *
 * <p>A JSON or XML value over the limit is refused (the table fails, naming the column): a cut one
 * would be no valid JSON or XML, which a PostgreSQL target rejects anyway, with a worse message.
 *
 * <p>In full LOB mode (Ferry's default) {@link #apply} returns its row at once. A row is copied only
 * when one of its values is truncated; the row given is never changed. Thread-safe: the full load
 * calls it from several threads at once.
 */
public final class LobLimits {

    private static final Logger LOG = LoggerFactory.getLogger(LobLimits.class);

    /** How DMS stores a LOB, which decides how its size is counted; NONE for a column that is no LOB. */
    public enum LobKind { NONE, BLOB, CLOB, NCLOB }

    private final TaskSettings.LobMode mode;
    private final long maxBytes;
    private final Function<TableId, AtomicLong> counters;
    private final Map<TableId, Plan> plans = new ConcurrentHashMap<>();

    /**
     * @param mode     {@link TaskSettings.LobMode#LIMITED} truncates; the other modes pass rows unchanged
     * @param maxBytes the limit of a LOB value in bytes (LobMaxSize × 1024), used in limited mode
     */
    public LobLimits(TaskSettings.LobMode mode, long maxBytes) {
        this(mode, maxBytes, null);
    }

    /** As {@link #LobLimits(TaskSettings.LobMode, long)}, counting each table's truncations in {@code counters}. */
    LobLimits(TaskSettings.LobMode mode, long maxBytes, Function<TableId, AtomicLong> counters) {
        if (mode == TaskSettings.LobMode.LIMITED && maxBytes < 1) {
            throw new IllegalArgumentException("a limited LOB size must be > 0 bytes, was " + maxBytes);
        }
        this.mode = mode;
        this.maxBytes = maxBytes;
        this.counters = counters;
    }

    /** The limits the task settings ask for. */
    public static LobLimits of(TaskSettings.Lobs lobs) {
        return new LobLimits(lobs.mode(), lobs.maxBytes());
    }

    /** Whether this truncates anything at all. */
    public boolean limited() {
        return mode == TaskSettings.LobMode.LIMITED;
    }

    /** The row with each LOB value cut to the limit: {@code row} itself when nothing is cut, else a copy. */
    public Object[] apply(TableSchema table, Object[] row) {
        if (mode != TaskSettings.LobMode.LIMITED || row == null) {
            return row;
        }
        return plan(table).apply(row, true);
    }

    /**
     * The event with its rows cut to the limit. The new rows are counted; the old rows (an update's
     * before image, a delete's row) are cut too but not counted, so that a keyless table's row is
     * matched by the values the target holds.
     */
    public ChangeEvent apply(TableSchema table, ChangeEvent event) {
        if (mode != TaskSettings.LobMode.LIMITED || table == null) {
            return event;
        }
        Plan p = plan(table);
        if (p.lobs.length == 0) {
            return event;
        }
        if (event instanceof ChangeEvent.Insert i) {
            Object[] after = p.apply(i.after(), true);
            return after == i.after() ? i : new ChangeEvent.Insert(i.table(), after);
        }
        if (event instanceof ChangeEvent.Update u) {
            Object[] before = u.before() == null ? null : p.apply(u.before(), false);
            Object[] after = p.apply(u.after(), true);
            return before == u.before() && after == u.after() ? u : new ChangeEvent.Update(u.table(), before, after);
        }
        if (event instanceof ChangeEvent.Delete d) {
            Object[] before = p.apply(d.before(), false);
            return before == d.before() ? d : new ChangeEvent.Delete(d.table(), before);
        }
        return event;
    }

    /** The truncations counted for {@code table} so far. */
    public long truncations(TableId table) {
        Plan p = plans.get(table);
        return p == null ? 0 : p.count.get();
    }

    /**
     * Refuses tables with LOB columns when LOBs are not supported (SupportLobs false): DMS leaves such
     * columns out, which only the table mappings can do in Ferry, so the user says so there.
     */
    public static void refuseLobColumns(List<TableSchema> tables) {
        List<String> found = new ArrayList<>();
        for (TableSchema t : tables) {
            for (Column c : t.columns()) {
                if (lobKind(c) != LobKind.NONE) {
                    found.add(t.id() + "." + c.name() + " (" + (c.nativeType().isEmpty() ? c.type() : c.nativeType()) + ")");
                }
            }
        }
        if (!found.isEmpty()) {
            throw new ConfigurationException("TargetMetadata.SupportLobs is false, and DMS then leaves LOB columns out, but "
                    + "Ferry moves a column only when the table mappings keep it: remove the LOB column(s) "
                    + String.join(", ", found) + " with a transformation rule (rule-target column, rule-action remove-column), "
                    + "or set SupportLobs true (with FullLobMode, or LimitedSizeLobMode and LobMaxSize)");
        }
    }

    /**
     * Whether a column is a LOB for DMS, and which kind, from its source type as the DMS guide's
     * source data type tables map it:
     * <ul>
     *   <li>SQL Server: varchar(max) is CLOB; nvarchar(max), ntext and xml are NCLOB; text is CLOB for
     *       DMS but counted here as NCLOB (below); varbinary(max) and image are BLOB; geometry and
     *       geography are CLOB on a PostgreSQL target;</li>
     *   <li>PostgreSQL: text, json, jsonb, arrays, hstore and character varying without a length are
     *       NCLOB; tsvector, tsquery, path and polygon are CLOB; xml is CLOB for DMS but counted here as
     *       NCLOB; bytea is BLOB;</li>
     *   <li>any other source: an unbounded text, JSON or XML column is an NCLOB, an unbounded binary
     *       column a BLOB.</li>
     * </ul>
     * "text" and "xml" name a CLOB on one source and an NCLOB on the other, and a column does not say
     * which source it comes from: both count as NCLOB, so a SQL Server text or a PostgreSQL xml value
     * keeps half as many ASCII characters as under DMS (the limit is never exceeded).
     */
    public static LobKind lobKind(Column column) {
        String n = column.nativeType().toLowerCase(Locale.ROOT).trim();
        // a SQL Server user type reads "name (base)": the base decides
        int open = n.lastIndexOf(" (");
        if (open > 0 && n.endsWith(")")) {
            n = n.substring(open + 2, n.length() - 1);
        }
        switch (n) {
            case "varchar(max)", "geometry", "geography", "tsvector", "tsquery", "path", "polygon" -> {
                return LobKind.CLOB;
            }
            // "text" is SQL Server's CLOB and PostgreSQL's NCLOB, "xml" the other way round: a column does not say
            // which source it comes from, so both count as NCLOB, as PostgreSQL's text (see docs/task-settings.md)
            case "text", "xml", "nvarchar(max)", "ntext", "json", "jsonb", "hstore", "character varying", "varchar" -> {
                return LobKind.NCLOB;
            }
            case "varbinary(max)", "image", "bytea" -> {
                return LobKind.BLOB;
            }
            default -> {
                if (n.endsWith("[]")) {
                    return LobKind.NCLOB; // a PostgreSQL array
                }
                if (!n.isEmpty()) {
                    return LobKind.NONE;
                }
            }
        }
        return switch (column.type().kind()) {
            case TEXT, JSON, XML -> LobKind.NCLOB;
            case VARCHAR -> column.type().length() == 0 ? LobKind.NCLOB : LobKind.NONE;
            case BYTES -> LobKind.BLOB;
            default -> LobKind.NONE;
        };
    }

    private Plan plan(TableSchema table) {
        Plan p = plans.get(table.id());
        if (p == null || p.table != table) {
            Plan old = p;
            p = new Plan(table, old == null ? counterFor(table.id()) : old.count, maxBytes);
            plans.put(table.id(), p);
        }
        return p;
    }

    private AtomicLong counterFor(TableId id) {
        AtomicLong c = counters == null ? null : counters.apply(id);
        return c == null ? new AtomicLong() : c;
    }

    /** One table's LOB columns and how to cut them. */
    private static final class Plan {
        final TableSchema table;
        final int[] lobs;
        final LobKind[] kinds;
        final AtomicLong count;
        final long maxBytes;
        final AtomicBoolean logged = new AtomicBoolean();

        Plan(TableSchema table, AtomicLong count, long maxBytes) {
            this.table = table;
            this.count = count;
            this.maxBytes = maxBytes;
            List<Integer> idx = new ArrayList<>();
            List<LobKind> k = new ArrayList<>();
            for (int i = 0; i < table.columns().size(); i++) {
                LobKind kind = lobKind(table.columns().get(i));
                if (kind != LobKind.NONE) {
                    idx.add(i);
                    k.add(kind);
                }
            }
            this.lobs = idx.stream().mapToInt(Integer::intValue).toArray();
            this.kinds = k.toArray(LobKind[]::new);
        }

        Object[] apply(Object[] row, boolean counted) {
            Object[] out = row;
            for (int j = 0; j < lobs.length; j++) {
                int i = lobs[j];
                if (i >= row.length) {
                    continue;
                }
                Object v = row[i];
                Object cut = cut(v, kinds[j], maxBytes);
                if (cut != v) {
                    Column c = table.columns().get(i);
                    if (c.type().kind() == TypeKind.JSON || c.type().kind() == TypeKind.XML) {
                        throw new FerryException("table " + table.id() + ", column " + c.name() + ": a " + c.type()
                                + " value is longer than LobMaxSize (" + maxBytes / 1024 + " KB), and a cut one is no valid "
                                + c.type() + " for the target; raise TargetMetadata.LobMaxSize, use FullLobMode, or remove "
                                + "the column with a transformation rule");
                    }
                    if (out == row) {
                        out = Arrays.copyOf(row, row.length);
                    }
                    out[i] = cut;
                    if (counted) {
                        count.incrementAndGet();
                        if (logged.compareAndSet(false, true)) {
                            LOG.warn("table {}: a value of LOB column {} is longer than LobMaxSize ({} bytes) and is truncated "
                                    + "(limited LOB mode); further truncations in this table are counted in its statistics, "
                                    + "not logged", table.id(), table.columns().get(i).name(), maxBytes);
                        }
                    }
                }
            }
            return out;
        }
    }

    /** {@code v} cut to {@code maxBytes} as DMS counts its kind, or {@code v} itself when it fits (or is no text or bytes). */
    static Object cut(Object v, LobKind kind, long maxBytes) {
        if (v instanceof byte[] b) {
            return b.length > maxBytes ? Arrays.copyOf(b, (int) maxBytes) : b;
        }
        if (v instanceof String s) {
            int end = kind == LobKind.CLOB ? utf8Prefix(s, maxBytes) : utf16Prefix(s, maxBytes);
            return end == s.length() ? s : s.substring(0, end);
        }
        return v;
    }

    /** The length of the longest prefix of {@code s} whose UTF-16 units take at most {@code maxBytes} at 2 bytes each. */
    static int utf16Prefix(String s, long maxBytes) {
        long units = maxBytes / 2;
        if (s.length() <= units) {
            return s.length();
        }
        int end = (int) units;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) {
            end--; // never half a pair
        }
        return end;
    }

    /** The length of the longest prefix of {@code s} whose UTF-8 encoding takes at most {@code maxBytes}. */
    static int utf8Prefix(String s, long maxBytes) {
        if ((long) s.length() * 3 <= maxBytes) {
            return s.length(); // even all-3-byte characters fit (a pair is 2 units for 4 bytes)
        }
        long bytes = 0;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            int units = 1;
            int size;
            if (c < 0x80) {
                size = 1;
            } else if (c < 0x800) {
                size = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                size = 4;
                units = 2;
            } else {
                size = 3;
            }
            if (bytes + size > maxBytes) {
                return i;
            }
            bytes += size;
            i += units;
        }
        return i;
    }
}
