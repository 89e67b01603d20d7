package dev.ferry.core;

import java.util.List;

/** Bad input from the user: a task file, a mapping, a setting. Lists every problem found at once. */
public class ConfigurationException extends FerryException {
    private final List<String> problems;

    public ConfigurationException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    public ConfigurationException(String what, List<String> problems) {
        super(problems.size() == 1 ? what + ": " + problems.get(0)
                : what + ": " + problems.size() + " problems:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem as one line, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
