package io.checkpass.server.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The standard settings with a few keys changed, through the same parser as the config. */
final class NotifySettingsBuilder {
    private final Map<String, String> values = new TreeMap<>(NotifySettings.defaults());

    NotifySettingsBuilder dailyCap(int cap) {
        values.put("notify.daily-cap", Integer.toString(cap));
        return this;
    }

    NotifySettingsBuilder maxAttempts(int attempts) {
        values.put("notify.max-attempts", Integer.toString(attempts));
        return this;
    }

    NotifySettingsBuilder batchSize(int rows) {
        values.put("notify.batch-size", Integer.toString(rows));
        return this;
    }

    NotifySettings build() {
        List<String> problems = new ArrayList<>();
        NotifySettings settings = NotifySettings.parse(values, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.toString());
        }
        return settings;
    }
}
