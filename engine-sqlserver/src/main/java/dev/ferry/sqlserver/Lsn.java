package dev.ferry.sqlserver;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A SQL Server log sequence number: 10 bytes, compared as an unsigned big-endian number. Its
 * text form is the one Debezium and SQL Server tools print, three hexadecimal groups of 8, 8 and
 * 4 digits: {@code 0000002a:00000c38:0003} (VLF sequence, log block offset, slot).
 */
record Lsn(byte[] bytes) implements Comparable<Lsn> {

    public static final int SIZE = 10;

    public Lsn {
        if (bytes == null || bytes.length != SIZE) {
            throw new IllegalArgumentException("an LSN has " + SIZE + " bytes, was "
                    + (bytes == null ? "null" : bytes.length));
        }
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Parses {@code 0000002a:00000c38:0003}, or 20 hex digits with or without {@code 0x}. */
    public static Lsn parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("LSN text must not be null");
        }
        String t = text.trim();
        String hex;
        if (t.indexOf(':') >= 0) {
            String[] parts = t.split(":", -1);
            if (parts.length != 3 || parts[0].length() != 8 || parts[1].length() != 8 || parts[2].length() != 4) {
                throw new IllegalArgumentException("'" + text + "' is not an LSN (expected xxxxxxxx:xxxxxxxx:xxxx)");
            }
            hex = parts[0] + parts[1] + parts[2];
        } else {
            hex = t.startsWith("0x") || t.startsWith("0X") ? t.substring(2) : t;
            if (hex.length() != SIZE * 2) {
                throw new IllegalArgumentException("'" + text + "' is not an LSN (expected 20 hex digits)");
            }
        }
        try {
            return new Lsn(HexFormat.of().parseHex(hex));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "' is not an LSN: " + e.getMessage(), e);
        }
    }

    /**
     * The LSN one below this one, as a number: the position just before it, after which a stream
     * that starts "after" a position ({@code sys.fn_cdc_increment_lsn}, which adds one) starts at
     * this LSN exactly.
     *
     * @throws IllegalArgumentException for the zero LSN, which has none before it
     */
    public Lsn previous() {
        byte[] b = bytes.clone();
        for (int i = SIZE - 1; i >= 0; i--) {
            if (b[i] != 0) {
                b[i]--;
                return new Lsn(b);
            }
            b[i] = (byte) 0xff;
        }
        throw new IllegalArgumentException("the zero LSN has no LSN before it");
    }

    /** True for the LSN of all zero bytes, which SQL Server functions return when they find none. */
    public boolean isZero() {
        for (byte x : bytes) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(Lsn o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    /** The {@code binary(10)} literal for T-SQL: {@code 0x0000002A00000C380003}. */
    public String sqlLiteral() {
        return "0x" + HexFormat.of().withUpperCase().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lsn l && Arrays.equals(bytes, l.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(bytes);
        return hex.substring(0, 8) + ":" + hex.substring(8, 16) + ":" + hex.substring(16);
    }
}
