using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// A model that names intermediate features (<c>feature stem: h</c>): one pass returns its
/// output, as forward does, and the features met on the way, for a loss between a student's and
/// a teacher's features.
/// </summary>
/// <typeparam name="TOutput">What forward returns: a tensor, or the model's record of named outputs.</typeparam>
public interface IFeatureTaps<TOutput>
{
    (TOutput Output, INamedTensors Features) ForwardWithFeatures(Tensor input);
}
