using System;

namespace Dsl.Runtime;

/// <summary>
/// Marks a generated constant that holds a figure a compression method adds to the model's
/// cost (BOPs, OPs, ...), with the label <see cref="Training.ModelCost"/> and the training
/// summary print it under.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class CostMetricAttribute(string label) : Attribute
{
    public string Label { get; } = label;
}
