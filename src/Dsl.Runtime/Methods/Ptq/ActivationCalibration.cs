using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Ptq;

/// <summary>
/// An activation quantizer set up after training: it watches the layer's inputs on calibration
/// data (<see cref="Observe"/>), fixes its parameters from them (<see cref="Finish"/>), and from
/// then on quantizes (<c>forward</c>). What it fixed lives in buffers, so it is saved and loaded
/// with the weights.
/// </summary>
public abstract class ActivationCalibration : nn.Module<Tensor, Tensor>
{
    protected ActivationCalibration(string name) : base(name) { }

    /// <summary>Records what it needs of one calibration batch of the layer's input; random draws come from <paramref name="generator"/>.</summary>
    public abstract void Observe(Tensor x, Generator generator);

    /// <summary>Fixes the quantizer from everything observed and lets the observations go.</summary>
    public abstract void Finish(int seed);

    /// <summary>A draw of at most <paramref name="count"/> positions of <paramref name="length"/>, without repeats.</summary>
    protected static Tensor Positions(long length, long count, Generator generator) =>
        count >= length ? arange(length) : randperm(length, generator: generator).narrow(0, 0, count);
}
