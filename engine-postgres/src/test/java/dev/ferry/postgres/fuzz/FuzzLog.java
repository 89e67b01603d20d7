package dev.ferry.postgres.fuzz;

/** The statements of one run in the order they were executed, with the harness's steps as comments: a replay script. */
final class FuzzLog {
    private final StringBuilder sb = new StringBuilder();

    synchronized void add(int writer, String sql) {
        if (writer > 0) {
            sb.append("/* w").append(writer).append(" */ ");
        }
        sb.append(sql).append(";\n");
    }

    synchronized void step(String what) {
        sb.append("-- ").append(what.replace("\n", "\n-- ")).append('\n');
    }

    synchronized void raw(String sql) {
        sb.append(sql).append(";\n");
    }

    @Override
    public synchronized String toString() {
        return sb.toString();
    }
}
