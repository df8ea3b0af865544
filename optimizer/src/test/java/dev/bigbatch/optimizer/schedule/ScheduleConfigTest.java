package dev.bigbatch.optimizer.schedule;

import com.typesafe.config.ConfigFactory;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shared learning-rate schedules every optimizer uses, against their formulas written out here. */
class ScheduleConfigTest {
    static final TrainingShape SHAPE = new TrainingShape(110, 10, 1);

    static LearningRateSchedule schedule(String hocon) {
        return ScheduleConfig.read(new ConfigReader(ConfigFactory.parseString(hocon), "optimizer.schedule"), 0.4)
                .create(SHAPE);
    }

    @Test
    void linearWarmUpThenCosine() {
        LearningRateSchedule s = schedule("name = cosine, warmup-steps = 10, warmup-start-factor = 0.25, "
                + "min-learning-rate = 0.04");
        assertEquals(0.1, s.at(0), 1e-12);
        assertEquals(0.4 * (0.25 + 0.75 * 5 / 10.0), s.at(5), 1e-12);
        assertEquals(0.4, s.at(10), 1e-12);
        assertEquals(0.04 + 0.5 * 0.36 * (1 + Math.cos(Math.PI * 30 / 100.0)), s.at(40), 1e-12);
        assertEquals(0.04, s.at(110), 1e-12);
    }

    @Test
    void stepAndPolynomialDecay() {
        LearningRateSchedule step = schedule("name = step, boundaries = [20, 50], factor = 0.5");
        assertEquals(0.4, step.at(19), 1e-12);
        assertEquals(0.2, step.at(20), 1e-12);
        assertEquals(0.1, step.at(50), 1e-12);
        LearningRateSchedule poly = schedule("name = polynomial, power = 2");
        assertEquals(0.4 * Math.pow(1 - 55 / 110.0, 2), poly.at(55), 1e-12);
        assertEquals(0.4, schedule("name = constant").at(77), 0);
    }

    /**
     * Boundaries count steps after warm-up, and one at or after the end of the run never applies (it is not an error:
     * a shortened run of a config, or a run shortened on resume, keeps the config's boundaries, as PyTorch's
     * MultiStepLR keeps its milestones). The last step of a 110-step run with 10 warm-up steps is t = 99.
     */
    @Test
    void boundariesCountAfterWarmUpAndThoseAfterTheRunNeverApply() {
        LearningRateSchedule s = schedule("name = step, warmup-steps = 10, boundaries = [20, 99, 100, 500], "
                + "factor = 0.5");
        assertEquals(0.4, s.at(29), 1e-12);
        assertEquals(0.2, s.at(30), 1e-12);
        assertEquals(0.2, s.at(108), 1e-12);
        assertEquals(0.1, s.at(109), 1e-12, "the last step of the run passes the boundary at t = 99, no later one");
    }

    @Test
    void minimumRateAboveTheLearningRateNamesBoth() {
        ConfigError e = assertThrows(ConfigError.class, () -> schedule("name = cosine, min-learning-rate = 0.5"));
        assertEquals("optimizer.schedule.min-learning-rate: must be in [0, learning-rate] = [0, 0.4], found 0.5",
                e.getMessage());
        assertEquals(0.4, schedule("name = cosine, min-learning-rate = 0.4").at(50), 0, "η_min = η: constant");
    }
}
