package dev.ferry.sqlserver;

/**
 * One column as SQL Server's catalog describes it ({@code sys.columns} joined to {@code sys.types}).
 *
 * @param name        the column name
 * @param typeName    the system type name (an alias type is resolved to its base type)
 * @param userType    the declared type name when it is an alias or CLR type, else the system type name
 * @param maxLength   {@code sys.columns.max_length}: bytes, -1 for (max)
 * @param precision   {@code sys.columns.precision}
 * @param scale       {@code sys.columns.scale}: digits after the point, or fractional second digits
 * @param nullable    whether NULL is allowed
 * @param identity    an IDENTITY column
 * @param computed    a computed column
 * @param sparse      a SPARSE column
 * @param columnSet   the XML column set of a table with sparse columns (not read: it repeats them)
 * @param generatedAlways a period column of a system-versioned table (0 none, 1 row start, 2 row end)
 */
record NativeColumn(String name, String typeName, String userType, int maxLength, int precision, int scale,
                           boolean nullable, boolean identity, boolean computed, boolean sparse, boolean columnSet,
                           int generatedAlways) {

    /** {@code nvarchar(max)}, {@code decimal(38,0)}, {@code datetime2(7)}: the type as DDL writes it. */
    public String declaration() {
        String t = typeName;
        return switch (t) {
            case "char", "varchar", "binary", "varbinary" -> t + "(" + (maxLength < 0 ? "max" : String.valueOf(maxLength)) + ")";
            case "nchar", "nvarchar" -> t + "(" + (maxLength < 0 ? "max" : String.valueOf(maxLength / 2)) + ")";
            case "decimal", "numeric" -> t + "(" + precision + "," + scale + ")";
            case "datetime2", "time", "datetimeoffset" -> t + "(" + scale + ")";
            default -> userType.equals(typeName) ? t : userType + " (" + t + ")";
        };
    }
}
