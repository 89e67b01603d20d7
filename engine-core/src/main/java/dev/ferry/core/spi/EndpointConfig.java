package dev.ferry.core.spi;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to reach one endpoint: the plug-in identifier ({@code postgres}, {@code sqlserver}, ...)
 * and its settings as text. {@link #toString()} masks every secret.
 *
 * @param type     the plug-in identifier, as its factory declares it
 * @param settings key/value settings; keys are the plug-in's option names
 */
public record EndpointConfig(String type, Map<String, String> settings) {

    public EndpointConfig {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("EndpointConfig.type must not be empty");
        }
        settings = Map.copyOf(settings);
    }

    public String get(String key) {
        return settings.get(key);
    }

    public String get(String key, String defaultValue) {
        return settings.getOrDefault(key, defaultValue);
    }

    /** Adds a problem to {@code problems} unless {@code key} is absent or a whole number in {@code min..max}. */
    public void checkWholeNumber(String key, long min, long max, java.util.List<String> problems) {
        String v = settings.get(key);
        if (v == null) {
            return;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < min || n > max) {
                problems.add("'" + key + "' must be " + (max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max)
                        + ", was " + v);
            }
        } catch (NumberFormatException e) {
            problems.add("'" + key + "' must be a number, was '" + v + "'");
        }
    }

    /** True for keys whose values must never be shown: passwords, secrets, tokens. */
    public static boolean isSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password") || k.contains("secret") || k.contains("token");
    }

    @Override
    public String toString() {
        Map<String, String> shown = new TreeMap<>();
        settings.forEach((k, v) -> shown.put(k, isSecret(k) ? "****" : v));
        return "EndpointConfig[type=" + type + ", settings=" + shown + "]";
    }
}
