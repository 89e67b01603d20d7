package dev.ferry.sqlserver;

import dev.ferry.core.model.Column;
import dev.ferry.core.settings.TypeMappingProfile;
import dev.ferry.postgres.PgColumnTypes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PostgreSQL column types of SQL Server columns under both type-mapping profiles, row by row as
 * docs/type-mapping.md pins them ("Source data types for SQL Server" composed with "Target data
 * types for PostgreSQL" for dms). Each row's column goes through the real catalog mapping
 * ({@link SqlServerTypes#map}) first, as a discovered column does.
 */
class SqlServerTypeMappingTest {

    private static final Path DOC = Path.of("..", "docs", "type-mapping.md");

    /** The rows of the doc's "SQL Server source" table: type, DMS type, native, dms. */
    static List<String[]> rows() throws Exception {
        List<String[]> rows = new ArrayList<>();
        boolean inSection = false;
        for (String line : Files.readAllLines(DOC)) {
            if (line.startsWith("## ")) {
                inSection = line.equals("## SQL Server source");
                continue;
            }
            if (inSection && line.startsWith("| ") && !line.startsWith("| SQL Server type") && !line.startsWith("| ---")) {
                String[] cells = line.substring(1, line.length() - 1).split("\\|");
                for (int i = 0; i < cells.length; i++) {
                    cells[i] = cells[i].strip();
                }
                rows.add(cells);
            }
        }
        return rows;
    }

    /** A catalog column of {@code declaration} as sys.columns / sys.types describe it. */
    static NativeColumn column(String declaration) {
        String type = declaration.contains("(") ? declaration.substring(0, declaration.indexOf('(')) : declaration;
        String args = declaration.contains("(") ? declaration.substring(declaration.indexOf('(') + 1, declaration.indexOf(')')) : "";
        int maxLength = 0;
        int precision = 0;
        int scale = 0;
        switch (type) {
            case "char", "varchar", "binary", "varbinary" -> maxLength = args.equals("max") ? -1 : Integer.parseInt(args);
            case "nchar", "nvarchar" -> maxLength = args.equals("max") ? -1 : 2 * Integer.parseInt(args);
            case "decimal", "numeric" -> {
                precision = Integer.parseInt(args.split(",")[0]);
                scale = Integer.parseInt(args.split(",")[1]);
            }
            case "datetime2", "time", "datetimeoffset" -> scale = Integer.parseInt(args);
            case "datetime" -> scale = 3;
            case "money" -> {
                precision = 19;
                scale = 4;
            }
            case "smallmoney" -> {
                precision = 10;
                scale = 4;
            }
            case "text", "ntext", "image" -> maxLength = 16;
            default -> maxLength = 8;
        }
        return new NativeColumn("c", type, type, maxLength, precision, scale, true, false, false, false, false, 0);
    }

    @Test
    @DisplayName("when a SQL Server column is created on PostgreSQL, then its type is the one docs/type-mapping.md gives for each profile")
    void everyRowOfTheDoc() throws Exception {
        List<String[]> rows = rows();
        assertThat(rows).as("rows of the SQL Server table in " + DOC).hasSizeGreaterThan(30);
        List<String> wrong = new ArrayList<>();
        for (String[] row : rows) {
            NativeColumn nc = column(row[0]);
            assertThat(nc.declaration()).as("the catalog writes the doc's type").isEqualTo(row[0]);
            Column c = new Column("c", SqlServerTypes.map(nc).type(), true, nc.declaration());
            String nativeType = PgColumnTypes.ddl(c, TypeMappingProfile.NATIVE, PgColumnTypes.SQLSERVER);
            String dmsType = PgColumnTypes.ddl(c, TypeMappingProfile.DMS, PgColumnTypes.SQLSERVER);
            if (!nativeType.equals(row[2]) || !dmsType.equals(row[3])) {
                wrong.add(row[0] + ": native " + nativeType + " (doc " + row[2] + "), dms " + dmsType + " (doc " + row[3] + ")");
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    @DisplayName("when a column has an alias type, then dms maps it as its base type, as the guide says of user-defined types")
    void aliasTypes() {
        Column c = new Column("c", dev.ferry.core.model.LogicalType.of(dev.ferry.core.model.TypeKind.UUID), true,
                "OrderId (uniqueidentifier)");
        assertThat(PgColumnTypes.ddl(c, TypeMappingProfile.DMS, PgColumnTypes.SQLSERVER)).isEqualTo("character varying(36)");
    }

    @Test
    @DisplayName("when a string is longer than 21,845, then dms makes it VARCHAR (65535), as the target table says")
    void longStrings() {
        assertThat(PgColumnTypes.string(21_845)).isEqualTo("character varying(21845)");
        assertThat(PgColumnTypes.string(21_846)).isEqualTo("character varying(65535)");
    }
}
