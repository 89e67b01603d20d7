package dev.ferry.postgres.fuzz;

import java.util.Random;
import java.util.UUID;

/** SQL literals of random values, extremes included; every one is plain text, so the generated DML can be printed and replayed. */
final class Literals {
    private Literals() {
    }

    /** Single code points (and one word) that stress quoting, escaping and encoding. */
    private static final String[] TOKENS = {"a", "b", "Z", "0", "9", " ", " ", "'", "\"", "\\", ",", "{", "}", "(", ")",
            "\t", "\n", "\r", "ż", "ó", "日", "本", "😀", "𝄞", "é", "=", ">", ":", ";", "x", "y"};
    private static final String[] ASCII = {"a", "b", "c", "Q", "Z", "0", "7", " ", "_", "-", ".", "x"};

    static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String chars(Random r, int maxCodePoints) {
        int n = r.nextInt(maxCodePoints + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(TOKENS[r.nextInt(TOKENS.length)]);
        }
        if (maxCodePoints >= 4 && r.nextInt(40) == 0) {
            return "NULL"; // the word, not the value: array and row literals must quote it
        }
        return sb.toString();
    }

    static String ascii(Random r, int maxLen) {
        int n = r.nextInt(maxLen + 1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(ASCII[r.nextInt(ASCII.length)]);
        }
        return sb.toString();
    }

    static String text(Random r, int maxCodePoints) {
        return quote(chars(r, maxCodePoints));
    }

    static String bool(Random r) {
        return r.nextBoolean() ? "true" : "false";
    }

    static String int2(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> "32767";
            case 1 -> "(-32768)::smallint";
            case 2 -> "0";
            default -> String.valueOf(r.nextInt(65536) - 32768);
        };
    }

    static String int4(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> "2147483647";
            case 1 -> "(-2147483648)";
            case 2 -> "0";
            default -> String.valueOf(r.nextInt());
        };
    }

    static String int8(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> "9223372036854775807";
            case 1 -> "(-9223372036854775808)";
            case 2 -> "0";
            default -> String.valueOf(r.nextLong());
        };
    }

    private static String digits(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append((char) ('0' + r.nextInt(10)));
        }
        return sb.toString();
    }

    /** A value that fits numeric(p, s) (0 <= s <= p). */
    static String numeric(Random r, int p, int s) {
        int intDigits = p - s;
        String sign = r.nextInt(3) == 0 ? "-" : "";
        String whole;
        String frac;
        if (r.nextInt(10) == 0) {
            whole = "9".repeat(intDigits);
            frac = "9".repeat(s);
        } else {
            whole = intDigits == 0 ? "" : digits(r, 1 + r.nextInt(intDigits));
            frac = digits(r, s == 0 ? 0 : r.nextInt(s + 1));
        }
        if (whole.isEmpty()) {
            whole = "0";
        }
        return "(" + sign + whole + (frac.isEmpty() ? "" : "." + frac) + ")";
    }

    /** An unconstrained numeric: long, tiny, with trailing zeros of its display scale. */
    static String numericFree(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> "1.10";
            case 1 -> "(-0.000000000000000000000000000001)";
            case 2 -> "123456789012345678901234567890.123456789012345678901234567890";
            case 3 -> "0";
            case 4 -> "1" + "0".repeat(r.nextInt(40));
            default -> "(" + (r.nextBoolean() ? "-" : "") + digits(r, 1 + r.nextInt(25)) + "." + digits(r, r.nextInt(25)) + "0".repeat(r.nextInt(3)) + ")";
        };
    }

    /** Values of numeric(p, -s): integers, rounded by the server to a multiple of 10^s. */
    static String numericNegativeScale(Random r, int p, int s) {
        return String.valueOf(r.nextLong(0, (long) Math.pow(10, p)) * (long) Math.pow(10, s) * (r.nextBoolean() ? 1 : -1));
    }

    static String float4(Random r) {
        return switch (r.nextInt(14)) {
            case 0 -> "'NaN'::real";
            case 1 -> "'Infinity'::real";
            case 2 -> "'-Infinity'::real";
            case 3 -> "'-0'::real";
            case 4 -> "'1.4e-45'::real";
            case 5 -> "'3.4028235e38'::real";
            default -> "'" + Float.intBitsToFloat(finiteFloatBits(r)) + "'::real";
        };
    }

    private static int finiteFloatBits(Random r) {
        while (true) {
            int bits = r.nextInt();
            float f = Float.intBitsToFloat(bits);
            if (!Float.isNaN(f) && !Float.isInfinite(f)) {
                return r.nextInt(3) == 0 ? bits : Float.floatToIntBits((float) (r.nextGaussian() * 1000));
            }
        }
    }

    static String float8(Random r) {
        return switch (r.nextInt(14)) {
            case 0 -> "'NaN'::float8";
            case 1 -> "'Infinity'::float8";
            case 2 -> "'-Infinity'::float8";
            case 3 -> "'-0'::float8";
            case 4 -> "'4.9e-324'::float8";
            case 5 -> "'1.7976931348623157e308'::float8";
            case 6 -> "'0.1'::float8";
            default -> {
                double d;
                do {
                    d = r.nextInt(3) == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextGaussian() * 1e6;
                } while (Double.isNaN(d) || Double.isInfinite(d));
                yield "'" + d + "'::float8";
            }
        };
    }

    static String bytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        StringBuilder sb = new StringBuilder("'\\x");
        for (byte x : b) {
            sb.append(String.format("%02x", x & 0xff));
        }
        return sb.append("'::bytea").toString();
    }

    static String uuid(Random r) {
        return r.nextInt(20) == 0 ? "'00000000-0000-0000-0000-000000000000'" : "'" + new UUID(r.nextLong(), r.nextLong()) + "'";
    }

    /** yyyy-mm-dd, with the year between from and to (positive, AD), day at most 28 (any month, any year). */
    private static String ymd(Random r, int fromYear, int toYear) {
        int y = r.nextInt(fromYear, toYear + 1);
        return String.format("%04d-%02d-%02d", y, 1 + r.nextInt(12), 1 + r.nextInt(28));
    }

    private static String anyYmd(Random r) {
        int d = r.nextInt(20);
        if (d == 0) {
            return ymd(r, 1, 9999);
        }
        if (d == 1) {
            return ymd(r, 10000, 200000);
        }
        return ymd(r, 1900, 2100);
    }

    static String date(Random r) {
        return switch (r.nextInt(30)) {
            case 0 -> "'infinity'::date";
            case 1 -> "'-infinity'::date";
            case 2 -> "'4713-01-01 BC'::date";
            case 3 -> "'5874897-12-31'::date";
            case 4 -> "'" + ymd(r, 1, 4712) + " BC'::date";
            default -> "'" + anyYmd(r) + "'::date";
        };
    }

    private static String hms(Random r) {
        return String.format("%02d:%02d:%02d.%06d", r.nextInt(24), r.nextInt(60), r.nextInt(60), r.nextInt(1_000_000));
    }

    static String time(Random r, boolean midnight24) {
        return switch (r.nextInt(30)) {
            case 0 -> midnight24 ? "'24:00:00'::time" : "'00:00:00.000001'::time";
            case 1 -> "'00:00:00'::time";
            case 2 -> midnight24 ? "'23:59:59.999999'::time" : "'23:59:59'::time";
            default -> "'" + hms(r) + "'::time";
        };
    }

    private static String offset(Random r) {
        int minutes = r.nextInt(-14 * 60 - 59, 14 * 60 + 60);
        if (r.nextInt(3) == 0) {
            minutes = 0;
        }
        String sign = minutes < 0 ? "-" : "+";
        int m = Math.abs(minutes);
        return String.format("%s%02d:%02d", sign, m / 60, m % 60);
    }

    static String timetz(Random r, boolean midnight24) {
        return switch (r.nextInt(30)) {
            case 0 -> midnight24 ? "'24:00:00+00'::timetz" : "'00:00:00.000001+00'::timetz";
            case 1 -> "'00:00:00-14:59'::timetz";
            case 2 -> midnight24 ? "'23:59:59.999999+14:59'::timetz" : "'23:59:59+14:59'::timetz";
            default -> "'" + hms(r) + offset(r) + "'::timetz";
        };
    }

    static String timestamp(Random r) {
        return switch (r.nextInt(30)) {
            case 0 -> "'infinity'::timestamp";
            case 1 -> "'-infinity'::timestamp";
            case 2 -> "'" + ymd(r, 1, 4712) + " " + hms(r) + " BC'::timestamp";
            case 3 -> "'2000-01-01 00:00:00'::timestamp";
            default -> "'" + anyYmd(r) + " " + hms(r) + "'::timestamp";
        };
    }

    static String timestamptz(Random r) {
        return switch (r.nextInt(30)) {
            case 0 -> "'infinity'::timestamptz";
            case 1 -> "'-infinity'::timestamptz";
            case 2 -> "'" + ymd(r, 1, 4712) + " " + hms(r) + "+00 BC'::timestamptz";
            case 3 -> "'1970-01-01 00:00:00+00'::timestamptz";
            default -> "'" + anyYmd(r) + " " + hms(r) + offset(r) + "'::timestamptz";
        };
    }

    static String interval(Random r, boolean micros6) {
        return switch (r.nextInt(12)) {
            case 0 -> "'0'::interval";
            case 1 -> micros6 ? "'-1 days -00:00:00.000001'::interval" : "'-1 days -00:00:01'::interval";
            case 2 -> "'178000000 years'::interval";
            default -> {
                long micros = r.nextLong(-1_000_000_000_000L, 1_000_000_000_000L);
                if (!micros6) {
                    micros -= micros % 1_000_000;
                }
                String secs = (micros < 0 ? "-" : "") + Math.abs(micros / 1_000_000) + "." + String.format("%06d", Math.abs(micros % 1_000_000));
                yield "'" + r.nextInt(-1000, 1000) + " mons " + r.nextInt(-1000, 1000) + " days " + secs + " seconds'::interval";
            }
        };
    }

    /** JSON text, with whitespace, duplicate keys and escapes when {@code raw} (json keeps its text as written). */
    static String json(Random r, boolean raw, int depth) {
        String sp = raw && r.nextBoolean() ? "  " : "";
        return switch (depth > 2 ? r.nextInt(5) : r.nextInt(7)) {
            case 0 -> "null";
            case 1 -> r.nextBoolean() ? "true" : "false";
            case 2 -> switch (r.nextInt(5)) {
                case 0 -> "1.0";
                case 1 -> "-2.5e10";
                case 2 -> "12345678901234567890";
                default -> String.valueOf(r.nextInt(1000) - 500);
            };
            case 3, 4 -> jsonString(r);
            case 5 -> {
                StringBuilder sb = new StringBuilder("[" + sp);
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i > 0 ? "," + sp : "").append(json(r, raw, depth + 1));
                }
                yield sb.append("]").toString();
            }
            default -> {
                StringBuilder sb = new StringBuilder("{" + sp);
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    String key = raw && i > 0 && r.nextInt(4) == 0 ? "\"k0\"" : "\"k" + i + "\"";
                    sb.append(i > 0 ? "," + sp : "").append(key).append(sp).append(":").append(sp).append(json(r, raw, depth + 1));
                }
                yield sb.append("}").toString();
            }
        };
    }

    private static String jsonString(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "\"quote \\\" backslash \\\\ nl \\n\"";
            case 1 -> "\"\\u00e9\\u65e5 \\ud83d\\ude00\"";
            case 2 -> "\"\"";
            default -> "\"" + Literals.ascii(r, 12) + "\"";
        };
    }

    static String xml(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> "'<r a=\"1\">x &amp; y</r>'::xml";
            case 1 -> "'<a><b/><c>ż日</c></a>'::xml";
            case 2 -> "'just text'::xml";
            case 3 -> "'<?xml version=\"1.0\"?><doc/>'::xml";
            default -> "'<v n=\"" + r.nextInt(1000) + "\">" + ascii(r, 10) + "</v>'::xml";
        };
    }

    static String pick(Random r, String... options) {
        return options[r.nextInt(options.length)];
    }
}
