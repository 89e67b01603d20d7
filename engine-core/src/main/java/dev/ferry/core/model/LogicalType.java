package dev.ferry.core.model;

/**
 * A neutral column type. {@code length} applies to CHAR and VARCHAR; {@code precision} and
 * {@code scale} to DECIMAL (precision 0 means unconstrained); {@code precision} alone to the time
 * kinds (fractional second digits, -1 when unspecified).
 */
public record LogicalType(TypeKind kind, int length, int precision, int scale) {

    public LogicalType {
        if (kind == null) {
            throw new IllegalArgumentException("LogicalType.kind must not be null");
        }
        if ((kind == TypeKind.CHAR || kind == TypeKind.VARCHAR) && length < 0) {
            throw new IllegalArgumentException(kind + " length must be >= 0 (0 = unbounded), was " + length);
        }
        if (kind == TypeKind.DECIMAL && (precision < 0 || precision > 1000 || scale < 0 || (precision > 0 && scale > precision))) {
            throw new IllegalArgumentException("decimal(" + precision + "," + scale + ") is not a valid precision and scale");
        }
    }

    public static LogicalType of(TypeKind kind) {
        return new LogicalType(kind, 0, -1, 0);
    }

    public static LogicalType chars(int length) {
        return new LogicalType(TypeKind.CHAR, length, 0, 0);
    }

    public static LogicalType varchar(int length) {
        return new LogicalType(TypeKind.VARCHAR, length, 0, 0);
    }

    public static LogicalType decimal(int precision, int scale) {
        return new LogicalType(TypeKind.DECIMAL, 0, precision, scale);
    }

    /** A time kind with {@code digits} fractional second digits, or -1 for the endpoint's default. */
    public static LogicalType temporal(TypeKind kind, int digits) {
        return new LogicalType(kind, 0, digits, 0);
    }

    @Override
    public String toString() {
        String name = kind.name().toLowerCase(java.util.Locale.ROOT);
        return switch (kind) {
            case CHAR, VARCHAR -> length > 0 ? name + "(" + length + ")" : name;
            case DECIMAL -> precision > 0 ? name + "(" + precision + "," + scale + ")" : name;
            case TIME, TIMETZ, TIMESTAMP, TIMESTAMPTZ -> precision >= 0 ? name + "(" + precision + ")" : name;
            default -> name;
        };
    }
}
