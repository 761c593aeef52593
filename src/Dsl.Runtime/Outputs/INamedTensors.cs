using System.Collections.Generic;
using static TorchSharp.torch;

namespace Dsl.Runtime;

/// <summary>
/// A generated record of named tensors: a model's outputs (<c>output logits: ..., boxes: ...</c>)
/// or its features (<c>feature stem: h</c>), for code that does not know the model's type.
/// </summary>
public interface INamedTensors
{
    /// <summary>The tensors by name, in the order the .cmodel file gives them.</summary>
    IReadOnlyList<(string Name, Tensor Tensor)> Named { get; }
}
