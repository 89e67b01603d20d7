package dev.ferry.core.mapping;

/**
 * Where a rule sits in the mapping JSON and what it is called, for messages: every problem names
 * the JSON path, the rule-id and the rule-name, in one line.
 *
 * @param path the rule's JSON path, {@code $.rules[3]}
 * @param id   its {@code rule-id} (empty when missing)
 * @param name its {@code rule-name} (empty when missing)
 */
record RuleContext(String path, String id, String name) {

    /** {@code $.rules[3].filters[0] (rule 4 'orders'): message}. */
    String problem(String subPath, String message) {
        return path + subPath + " (rule " + (id.isEmpty() ? "?" : id) + (name.isEmpty() ? "" : " '" + name + "'") + "): " + message;
    }

    String problem(String message) {
        return problem("", message);
    }
}
