using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Gan;

/// <summary>One model a GAN run trains, with its own optimizer; a checkpoint holds every part.</summary>
public sealed record GanPart(string Name, nn.Module Module, OptimizerHelper Optimizer);
