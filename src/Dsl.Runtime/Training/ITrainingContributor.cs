using System.Collections.Generic;
using System.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

/// <summary>
/// What a model exposes (a public property of a generated class, such as a @tokens stack's
/// <c>Tokens</c>) that brings its method's training contributions: <see cref="Trainer.Fit"/>
/// adds each one unless the trainer already has a hook of its type, so an annotated model
/// trains as its method says with no hand wiring, and a caller can still configure its own.
/// </summary>
public interface ITrainingContributor
{
    /// <summary>The hooks this method adds to training <paramref name="model"/>, the model exposing it; <paramref name="log"/> is the trainer's output.</summary>
    IEnumerable<TrainingHook> Contributions(nn.Module<Tensor, Tensor> model, TextWriter log);
}
