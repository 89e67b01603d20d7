package dev.ferry.postgres;

import java.nio.charset.StandardCharsets;

/**
 * A growable big-endian byte buffer, reused for every row a writer encodes. Strings are written
 * as UTF-8 without an intermediate byte[] when they are ASCII.
 */
public final class ByteSink {
    private byte[] buf;
    private int len;

    public ByteSink(int capacity) {
        buf = new byte[capacity];
    }

    public int length() {
        return len;
    }

    public byte[] array() {
        return buf;
    }

    public void reset() {
        len = 0;
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            byte[] n = new byte[Math.max(buf.length * 2, len + extra)];
            System.arraycopy(buf, 0, n, 0, len);
            buf = n;
        }
    }

    /** Shrinks a buffer that grew for one huge value back to {@code capacity}, once it is empty. */
    public void trim(int capacity) {
        if (len == 0 && buf.length > capacity * 4) {
            buf = new byte[capacity];
        }
    }

    public void writeByte(int v) {
        ensure(1);
        buf[len++] = (byte) v;
    }

    public void writeShort(short v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    public void writeInt(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    public void writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }

    public void write(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
    }

    /** Writes int32 length, then {@code prefixByte} when > 0 (jsonb's version), then the UTF-8 text. */
    public void writeLengthPrefixedUtf8(String s, int prefixByte) {
        int n = s.length();
        int extra = prefixByte > 0 ? 1 : 0;
        ensure(4 + extra + n);
        int lengthAt = len;
        len += 4;
        if (extra > 0) {
            buf[len++] = (byte) prefixByte;
        }
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            buf[len++] = (byte) c;
        }
        if (i < n) {
            byte[] rest = s.substring(i).getBytes(StandardCharsets.UTF_8);
            write(rest, 0, rest.length);
        }
        int written = len - lengthAt - 4;
        buf[lengthAt] = (byte) (written >>> 24);
        buf[lengthAt + 1] = (byte) (written >>> 16);
        buf[lengthAt + 2] = (byte) (written >>> 8);
        buf[lengthAt + 3] = (byte) written;
    }
}
