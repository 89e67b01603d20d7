package dev.ferry.core.spi;

import java.util.List;

/**
 * The premigration assessment of a source for a task: one finding per check and subject, in the
 * order they were made. A task whose assessment has a {@link Status#FAIL} would not run, or would
 * lose data; a {@link Status#WARN} runs, with the limitation the finding names.
 */
public record Assessment(List<Finding> findings) {

    public Assessment {
        findings = List.copyOf(findings);
    }

    public enum Status { PASS, WARN, FAIL }

    /**
     * @param status  the outcome
     * @param subject what was checked: the database, a table, {@code table.column}
     * @param check   the check's short name ("CDC enabled", "primary key")
     * @param detail  what was found
     * @param fix     what to do about it; empty for a pass
     */
    public record Finding(Status status, String subject, String check, String detail, String fix) {
        public Finding {
            if (status == null || subject == null || check == null) {
                throw new IllegalArgumentException("a finding needs a status, a subject and a check");
            }
            detail = detail == null ? "" : detail;
            fix = fix == null ? "" : fix;
        }
    }

    /** The worst status found; PASS when there are no findings. */
    public Status worst() {
        Status worst = Status.PASS;
        for (Finding f : findings) {
            if (f.status().compareTo(worst) > 0) {
                worst = f.status();
            }
        }
        return worst;
    }

    /**
     * Every {@link Status#FAIL} finding as {@code subject: detail; fix: fix}, joined by
     * {@code "; "}: the words a source refuses to start a task with, the same {@code ferry assess}
     * prints. Null when nothing failed.
     */
    public String failureMessage() {
        StringBuilder sb = new StringBuilder();
        for (Finding f : findings) {
            if (f.status() == Status.FAIL) {
                sb.append(sb.isEmpty() ? "" : "; ").append(f.subject()).append(": ").append(f.detail())
                        .append(f.fix().isEmpty() ? "" : "; fix: " + f.fix());
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    public long count(Status status) {
        return findings.stream().filter(f -> f.status() == status).count();
    }
}
