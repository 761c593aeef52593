using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Dsl.Runtime.Training;

/// <summary>Which optimizer to build, with PyTorch's arguments.</summary>
public abstract record OptimizerSpec(double LearningRate, double WeightDecay)
{
    public abstract OptimizerHelper Create(IEnumerable<Parameter> parameters);

    public sealed record Sgd(double Lr, double Momentum = 0.9, bool Nesterov = false, double Decay = 0) : OptimizerSpec(Lr, Decay)
    {
        public override OptimizerHelper Create(IEnumerable<Parameter> parameters) =>
            optim.SGD(parameters, Lr, Momentum, dampening: 0, weight_decay: Decay, nesterov: Nesterov);
    }

    public sealed record Adam(double Lr = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Decay = 0) : OptimizerSpec(Lr, Decay)
    {
        public override OptimizerHelper Create(IEnumerable<Parameter> parameters) =>
            optim.Adam(parameters, Lr, Beta1, Beta2, weight_decay: Decay);
    }

    public sealed record AdamW(double Lr = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Decay = 0.01) : OptimizerSpec(Lr, Decay)
    {
        public override OptimizerHelper Create(IEnumerable<Parameter> parameters) =>
            optim.AdamW(parameters, Lr, Beta1, Beta2, weight_decay: Decay);
    }
}
