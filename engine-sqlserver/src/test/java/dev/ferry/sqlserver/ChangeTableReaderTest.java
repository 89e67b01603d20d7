package dev.ferry.sqlserver;

import dev.ferry.core.model.Column;
import dev.ferry.core.model.LogicalType;
import dev.ferry.core.model.TypeKind;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeTableReaderTest {

    static Column column(String name, LogicalType type) {
        return new Column(name, type, true);
    }

    @Test
    @DisplayName("when a value is read again from the change table, then it is selected and read exactly as the full load does")
    void readsAsTheFullLoad() {
        for (String type : new String[]{"date", "time", "datetime", "smalldatetime", "datetime2", "datetimeoffset"}) {
            NativeColumn n = new NativeColumn("a]b", type, type, 8, 0, 7, true, false, false, false, false, 0);
            SqlServerTypes.Mapping m = SqlServerTypes.map(n);
            Column c = column(n.name(), m.type());
            assertThat(ChangeTableReader.read(c)).as(type).isEqualTo(m.read());
            assertThat(ChangeTableReader.expression(c)).as(type).isEqualTo(m.expression());
        }
        assertThatThrownBy(() -> ChangeTableReader.read(column("n", LogicalType.of(TypeKind.INT32))))
                .hasMessageContaining("is never read again");
    }

    @Test
    void changeRowQuery() {
        assertThat(ChangeTableReader.select("dbo_or]ders", List.of("[a]", "CAST(SWITCHOFFSET([b], '+00:00') AS datetime2(7))")))
                .isEqualTo("SELECT [a], CAST(SWITCHOFFSET([b], '+00:00') AS datetime2(7)) FROM cdc.[dbo_or]]ders_CT] "
                        + "WHERE __$start_lsn = ? AND __$seqval = ? AND __$operation IN (?, ?)");
        assertThat(ChangeTableReader.INSTANCES).isEqualTo("SELECT capture_instance FROM cdc.change_tables WHERE source_object_id = "
                + "OBJECT_ID(?) AND start_lsn <= ? ORDER BY start_lsn DESC, create_date DESC");
    }
}
