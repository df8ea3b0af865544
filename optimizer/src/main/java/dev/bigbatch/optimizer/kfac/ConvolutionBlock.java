package dev.bigbatch.optimizer.kfac;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * The Kronecker block of a 2-D convolution (DL4J {@code ConvolutionLayer}; KFC, Grosse &amp; Martens 2016): ā are
 * the input patches of each output position (with a trailing 1 for the bias), g the pre-activation gradients at that
 * position. Scaling: see {@link CurvatureBlock}.
 *
 * <p>The patches are those of DL4J's {@code ConvolutionLayer} weight gradient (M2.1, {@code preOutput} and
 * {@code backpropGradient}): NHWC input permuted to NCHW; padding from the configuration, or for
 * {@code ConvolutionMode.Same} the top-left padding of {@code ConvolutionUtils.getSameModeTopLeftPadding}; then
 * ā(n, oh, ow)[(c, kh, kw)] = x[n, c, oh·s_h − p_top + kh·d_h, ow·s_w − p_left + kw·d_w], zero outside the image,
 * with rows (example, outH, outW) and columns (channel, kH, kW) in the c-order of W [nOut, nIn, kH, kW]. DL4J builds
 * them with {@code Convolution.im2col}; here they are kH·kW strided copies from a zero-padded copy of the input, one
 * per kernel offset, written straight into the rows next to the bias column: the same values (tested against DL4J's
 * weight gradient and bit for bit against im2col, for padding, stride, dilation, Same mode and NHWC), in less time:
 * replacing im2col took the whole factor statistic of a ResNet-20 ghost batch from 1.49 to 1.17 gradient passes on
 * one core ({@code KfacFactorCostBench}, docs/BENCHMARKS.md issue 4). Rows are built in the
 * {@link CurvatureBlock#rowType} of the input: only copies and exact widenings, no rounding.
 */
public final class ConvolutionBlock implements CurvatureBlock {
    private final BlockId id;
    private final int nIn;
    private final int nOut;
    private final int[] kernel;
    private final int[] stride;
    private final int[] padding;
    private final int[] dilation;
    private final ConvolutionMode mode;
    private final CNN2DFormat format;
    private final boolean bias;

    private ConvolutionBlock(String layerName, ConvolutionLayer conf, long[] weightShape, boolean bias) {
        this.id = new BlockId(BlockKind.CONV2D, layerName);
        this.nOut = Math.toIntExact(weightShape[0]);
        this.nIn = Math.toIntExact(weightShape[1]);
        this.kernel = new int[]{Math.toIntExact(weightShape[2]), Math.toIntExact(weightShape[3])};
        this.stride = conf.getStride().clone();
        this.padding = conf.getPadding().clone();
        this.dilation = conf.getDilation().clone();
        this.mode = conf.getConvolutionMode();
        this.format = conf.getCnn2dDataFormat();
        this.bias = bias;
    }

    /** The block of a DL4J {@code ConvolutionLayer} (exactly that class; its subclasses are other operations). */
    static ConvolutionBlock of(String layerName, Layer layer) {
        ConvolutionLayer conf = (ConvolutionLayer) layer.conf().getLayer();
        long[] w = layer.paramTable().get(ConvolutionParamInitializer.WEIGHT_KEY).shape();
        return new ConvolutionBlock(layerName, conf, w,
                layer.paramTable().containsKey(ConvolutionParamInitializer.BIAS_KEY));
    }

    @Override
    public BlockId id() {
        return id;
    }

    @Override
    public int inputDim() {
        return nIn * kernel[0] * kernel[1] + (bias ? 1 : 0);
    }

    @Override
    public int outputDim() {
        return nOut;
    }

    @Override
    public long positions(INDArray layerInput) {
        int[] out = geometry(nchw(layerInput))[0];
        return (long) out[0] * out[1];
    }

    @Override
    public void inputRows(INDArray layerInput, INDArray rows) {
        // No copy for a FLOAT input into FLOAT rows (castTo returns the array itself); NHWC is a permuted view.
        INDArray x = nchw(layerInput).castTo(rows.dataType());
        if (x.size(1) != nIn) {
            throw new IllegalStateException("convolution block " + id + ": input " + Arrays.toString(layerInput.shape())
                    + " does not have " + nIn + " channels");
        }
        int[][] geometry = geometry(x);
        int[] out = geometry[0];
        int[] pad = geometry[1];
        long examples = x.size(0);
        int offsets = kernel[0] * kernel[1];
        long patch = (long) nIn * offsets;
        checkRows(rows, examples * out[0] * out[1], inputDim(), "input");
        INDArray padded = padded(x, out, pad);
        // One strided copy per kernel offset (kh, kw): the columns (c, kh, kw) of all channels c, seen as
        // [examples, outH, outW, channels], take the input pixels that offset reads at every output position.
        for (int kh = 0; kh < kernel[0]; kh++) {
            for (int kw = 0; kw < kernel[1]; kw++) {
                INDArray columns = rows.get(NDArrayIndex.all(),
                                NDArrayIndex.interval(kh * kernel[1] + kw, offsets, patch, false))
                        .reshape('c', true, examples, out[0], out[1], nIn);
                INDArray pixels = padded.get(NDArrayIndex.all(), NDArrayIndex.all(),
                        pixels(kh * dilation[0], stride[0], out[0]), pixels(kw * dilation[1], stride[1], out[1]));
                columns.assign(pixels.permute(0, 2, 3, 1));
            }
        }
        if (bias) {
            rows.get(NDArrayIndex.all(), NDArrayIndex.point(patch)).assign(1.0);
        }
    }

    /** Rows {@code first}, {@code first + stride}, ... of a padded image: {@code count} of them. */
    private static INDArrayIndex pixels(long first, int stride, int count) {
        // The four-argument interval: the three-argument one rewrites some ends (e.g. end ← end · stride).
        return NDArrayIndex.interval(first, stride, first + (long) (count - 1) * stride + 1, false);
    }

    /**
     * {@code x} inside a zero border: {@code pad} rows and columns before it, and after it as many as the last output
     * position's kernel reaches beyond it (Same mode's bottom-right padding); {@code x} itself when there is none.
     */
    private INDArray padded(INDArray x, int[] out, int[] pad) {
        long h = x.size(2);
        long w = x.size(3);
        long height = Math.max(pad[0] + h, (long) (out[0] - 1) * stride[0] + (long) (kernel[0] - 1) * dilation[0] + 1);
        long width = Math.max(pad[1] + w, (long) (out[1] - 1) * stride[1] + (long) (kernel[1] - 1) * dilation[1] + 1);
        if (pad[0] == 0 && pad[1] == 0 && height == h && width == w) {
            return x;
        }
        INDArray padded = Nd4j.zeros(x.dataType(), x.size(0), x.size(1), height, width);
        padded.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(pad[0], pad[0] + h),
                NDArrayIndex.interval(pad[1], pad[1] + w)).assign(x);
        return padded;
    }

    @Override
    public void gradientRows(INDArray preActivationGradient, INDArray rows) {
        INDArray d = preActivationGradient;
        if (d.rank() != 4 || d.size(1) != nOut) {
            throw new IllegalStateException("convolution block " + id + ": pre-activation gradient "
                    + Arrays.toString(d.shape()) + " is not NCHW with " + nOut + " channels");
        }
        checkRows(rows, d.size(0) * d.size(2) * d.size(3), nOut, "pre-activation gradient");
        rows.reshape('c', true, d.size(0), d.size(2), d.size(3), nOut).assign(d.castTo(rows.dataType())
                .permute(0, 2, 3, 1));
    }

    private void checkRows(INDArray rows, long expectedRows, long columns, String what) {
        if (rows.rank() != 2 || rows.rows() != expectedRows || rows.columns() != columns || rows.ordering() != 'c') {
            throw new IllegalStateException("convolution block " + id + ": " + what + " rows must be c-order ["
                    + expectedRows + ", " + columns + "], not " + rows.ordering() + Arrays.toString(rows.shape()));
        }
    }

    private INDArray nchw(INDArray input) {
        if (input.rank() != 4) {
            throw new IllegalStateException("convolution block " + id + ": input " + Arrays.toString(input.shape())
                    + " is not rank 4");
        }
        return format == CNN2DFormat.NHWC ? input.permute(0, 3, 1, 2) : input;
    }

    /** {output size, top-left padding} for an NCHW input, computed as DL4J's ConvolutionLayer computes them. */
    private int[][] geometry(INDArray x) {
        if (mode == ConvolutionMode.Same) {
            int[] out = ConvolutionUtils.getOutputSize(x, kernel, stride, null, mode, dilation, CNN2DFormat.NCHW);
            int[] pad = ConvolutionUtils.getSameModeTopLeftPadding(out,
                    new int[]{(int) x.size(2), (int) x.size(3)}, kernel, stride, dilation);
            return new int[][]{out, pad};
        }
        int[] out = ConvolutionUtils.getOutputSize(x, kernel, stride, padding, mode, dilation, CNN2DFormat.NCHW);
        return new int[][]{out, padding};
    }
}
