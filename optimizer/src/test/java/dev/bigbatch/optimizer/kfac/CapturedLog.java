package dev.bigbatch.optimizer.kfac;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Captures what the K-FAC package logs at INFO and above while open. */
final class CapturedLog implements AutoCloseable {
    private static final String PACKAGE = "dev.bigbatch.optimizer.kfac";
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final AbstractAppender appender;

    CapturedLog() {
        appender = new AbstractAppender("kfac-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                messages.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        Configuration config = context.getConfiguration();
        LoggerConfig logger = new LoggerConfig(PACKAGE, Level.INFO, false);
        logger.addAppender(appender, Level.INFO, null);
        config.addLogger(PACKAGE, logger);
        context.updateLoggers();
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    long count(String fragment) {
        return messages.stream().filter(m -> m.contains(fragment)).count();
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger(PACKAGE);
        context.updateLoggers();
        appender.stop();
    }
}
