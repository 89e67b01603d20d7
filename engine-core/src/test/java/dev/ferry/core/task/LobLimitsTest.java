package dev.ferry.core.task;

import dev.ferry.core.ConfigurationException;
import dev.ferry.core.model.ChangeEvent;
import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TableId;
import dev.ferry.core.model.TableSchema;
import dev.ferry.core.model.TypeKind;
import dev.ferry.core.model.Unchanged;
import dev.ferry.core.settings.TaskSettings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LobLimitsTest {

    private static final TableId ID = new TableId("public", "docs");
    private static final TableSchema TABLE = new TableSchema(ID, List.of(
            new Column("id", LogicalType.of(TypeKind.INT32), false, "integer"),
            new Column("body", LogicalType.of(TypeKind.TEXT), true, "text"),
            new Column("name", LogicalType.varchar(20), true, "character varying(20)"),
            new Column("data", LogicalType.of(TypeKind.BYTES), true, "bytea")), List.of("id"));

    /** 1 KB: 512 UTF-16 units of text, 1024 bytes of bytea. */
    private static LobLimits oneKb() {
        return new LobLimits(TaskSettings.LobMode.LIMITED, 1024);
    }

    @ParameterizedTest(name = "{0} ({1}) is {2}")
    @DisplayName("when a column's source type is one the DMS guide lists as a LOB, then it is one, of DMS's kind")
    @CsvSource(delimiter = '|', textBlock = """
            text                        | TEXT    | NCLOB
            xml                         | XML     | NCLOB
            json                        | JSON    | NCLOB
            jsonb                       | JSON    | NCLOB
            character varying           | VARCHAR | NCLOB
            integer[]                   | TEXT    | NCLOB
            hstore                      | TEXT    | NCLOB
            tsvector                    | TEXT    | CLOB
            bytea                       | BYTES   | BLOB
            character varying(20)       | VARCHAR | NONE
            inet                        | TEXT    | NONE
            varchar(max)                | TEXT    | CLOB
            nvarchar(max)               | TEXT    | NCLOB
            ntext                       | TEXT    | NCLOB
            varbinary(max)              | BYTES   | BLOB
            image                       | BYTES   | BLOB
            varbinary(16)               | BYTES   | NONE
            nvarchar(50)                | VARCHAR | NONE
            geography                   | TEXT    | CLOB
            hierarchyid                 | TEXT    | NONE
            notes (nvarchar(max))       | TEXT    | NCLOB
            ''                          | TEXT    | NCLOB
            ''                          | BYTES   | BLOB
            ''                          | VARCHAR | NCLOB
            ''                          | INT32   | NONE
            """)
    void lobKinds(String nativeType, TypeKind kind, LobLimits.LobKind expected) {
        LogicalType type = kind == TypeKind.VARCHAR ? LogicalType.varchar(0) : LogicalType.of(kind);
        assertThat(LobLimits.lobKind(new Column("c", type, true, nativeType))).isEqualTo(expected);
    }

    @Test
    @DisplayName("when text is longer than the limit, then it is cut at a character boundary, never inside a surrogate pair")
    void textCut() {
        // NCLOB: 2 bytes per UTF-16 unit
        assertThat(LobLimits.cut("abcdef", LobLimits.LobKind.NCLOB, 6)).isEqualTo("abc");
        assertThat(LobLimits.cut("abc", LobLimits.LobKind.NCLOB, 6)).isEqualTo("abc");
        String pairs = "a\uD83D\uDE00b"; // a 😀 b: 4 units
        assertThat(LobLimits.cut(pairs, LobLimits.LobKind.NCLOB, 4)).isEqualTo("a"); // 2 units would split the pair
        assertThat(LobLimits.cut(pairs, LobLimits.LobKind.NCLOB, 6)).isEqualTo("a\uD83D\uDE00");
        // CLOB: UTF-8 bytes
        assertThat(LobLimits.cut("héllo", LobLimits.LobKind.CLOB, 3)).isEqualTo("hé");
        assertThat(LobLimits.cut("héllo", LobLimits.LobKind.CLOB, 2)).isEqualTo("h");
        assertThat(LobLimits.cut(pairs, LobLimits.LobKind.CLOB, 4)).isEqualTo("a");
        assertThat(LobLimits.cut(pairs, LobLimits.LobKind.CLOB, 5)).isEqualTo("a\uD83D\uDE00");
        String cut = (String) LobLimits.cut("€".repeat(1000), LobLimits.LobKind.CLOB, 1024);
        assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isEqualTo(1023);
        // BLOB: bytes
        assertThat((byte[]) LobLimits.cut(new byte[2000], LobLimits.LobKind.BLOB, 1024)).hasSize(1024);
        byte[] small = new byte[10];
        assertThat(LobLimits.cut(small, LobLimits.LobKind.BLOB, 1024)).isSameAs(small);
    }

    @Test
    @DisplayName("when a row has LOB values over the limit, then a copy comes back with them cut, each cut counted once")
    void rowCut() {
        LobLimits limits = oneKb();
        String longText = "x".repeat(600);
        Object[] row = {1, longText, "y".repeat(20), new byte[1500]};
        Object[] out = limits.apply(TABLE, row);
        assertThat(out).isNotSameAs(row);
        assertThat(row[1]).isSameAs(longText); // the row given is left alone
        assertThat((String) out[1]).hasSize(512);
        assertThat(out[2]).isEqualTo("y".repeat(20)); // a bounded varchar is no LOB
        assertThat((byte[]) out[3]).hasSize(1024);
        assertThat(limits.truncations(ID)).isEqualTo(2);

        Object[] fits = {2, "short", null, new byte[3]};
        assertThat(limits.apply(TABLE, fits)).isSameAs(fits);
        assertThat(limits.truncations(ID)).isEqualTo(2);
    }

    @Test
    @DisplayName("when LOBs move whole (full LOB mode), then rows and events pass untouched and nothing is counted")
    void fullModePassesThrough() {
        LobLimits full = LobLimits.of(TaskSettings.Lobs.full());
        Object[] row = {1, "x".repeat(100_000), null, new byte[100_000]};
        assertThat(full.limited()).isFalse();
        assertThat(full.apply(TABLE, row)).isSameAs(row);
        ChangeEvent e = new ChangeEvent.Insert(ID, row);
        assertThat(full.apply(TABLE, e)).isSameAs(e);
        assertThat(full.truncations(ID)).isZero();
    }

    @Test
    @DisplayName("when change events carry LOBs over the limit, then new rows are cut and counted, old rows cut but not counted")
    void changeEvents() {
        AtomicLong counter = new AtomicLong();
        LobLimits limits = new LobLimits(TaskSettings.LobMode.LIMITED, 1024, id -> counter);
        String big = "z".repeat(1000);

        ChangeEvent.Insert ins = (ChangeEvent.Insert) limits.apply(TABLE, new ChangeEvent.Insert(ID, new Object[]{1, big, null, null}));
        assertThat((String) ins.after()[1]).hasSize(512);
        assertThat(counter).hasValue(1);

        ChangeEvent.Update upd = (ChangeEvent.Update) limits.apply(TABLE,
                new ChangeEvent.Update(ID, new Object[]{1, big, null, null}, new Object[]{1, big + "!", null, new byte[2048]}));
        assertThat((String) upd.before()[1]).hasSize(512);
        assertThat((String) upd.after()[1]).hasSize(512);
        assertThat((byte[]) upd.after()[3]).hasSize(1024);
        assertThat(counter).hasValue(3);

        ChangeEvent.Delete del = (ChangeEvent.Delete) limits.apply(TABLE, new ChangeEvent.Delete(ID, new Object[]{1, big, null, null}));
        assertThat((String) del.before()[1]).hasSize(512);
        assertThat(counter).hasValue(3);

        // values the source did not send stay as they are; an update without a before image keeps none
        Object[] after = {1, Unchanged.VALUE, null, null};
        ChangeEvent.Update unchanged = new ChangeEvent.Update(ID, null, after);
        assertThat(limits.apply(TABLE, unchanged)).isSameAs(unchanged);
        ChangeEvent.Truncate truncate = new ChangeEvent.Truncate(ID);
        assertThat(limits.apply(TABLE, truncate)).isSameAs(truncate);
        assertThat(limits.truncations(ID)).isEqualTo(3);
    }

    @Test
    @DisplayName("when LOBs are not supported and a selected table has LOB columns, then the task is refused naming them "
            + "and the way out")
    void refusedWithoutLobSupport() {
        assertThatThrownBy(() -> LobLimits.refuseLobColumns(List.of(TABLE)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("TargetMetadata.SupportLobs is false, and DMS then leaves LOB columns out, but Ferry moves a column "
                        + "only when the table mappings keep it: remove the LOB column(s) public.docs.body (text), "
                        + "public.docs.data (bytea) with a transformation rule (rule-target column, rule-action remove-column), "
                        + "or set SupportLobs true (with FullLobMode, or LimitedSizeLobMode and LobMaxSize)");
        TableSchema plain = new TableSchema(ID, List.of(new Column("id", LogicalType.of(TypeKind.INT32), false, "integer")),
                List.of("id"));
        LobLimits.refuseLobColumns(List.of(plain)); // no LOB column: nothing to leave out
    }

    @Test
    @DisplayName("when a JSON or XML value is over the limit, then it is refused naming the table and column, "
            + "not cut into invalid JSON")
    void jsonIsNotCut() {
        TableSchema t = new TableSchema(ID, List.of(new Column("id", LogicalType.of(TypeKind.INT32), false, "integer"),
                new Column("doc", LogicalType.of(TypeKind.JSON), true, "jsonb")), List.of("id"));
        LobLimits limits = oneKb();
        Object[] small = {1, "{\"a\": 1}"};
        assertThat(limits.apply(t, small)).isSameAs(small);
        assertThatThrownBy(() -> limits.apply(t, new Object[]{2, "[" + "1,".repeat(600) + "1]"}))
                .hasMessage("table public.docs, column doc: a json value is longer than LobMaxSize (1 KB), and a cut one is no "
                        + "valid json for the target; raise TargetMetadata.LobMaxSize, use FullLobMode, or remove the column "
                        + "with a transformation rule");
    }

    @Test
    @DisplayName("when a limited mode has no size, then LobLimits refuses to be built")
    void limitedNeedsASize() {
        assertThatThrownBy(() -> new LobLimits(TaskSettings.LobMode.LIMITED, 0))
                .hasMessage("a limited LOB size must be > 0 bytes, was 0");
    }
}
