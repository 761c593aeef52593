using System;
using System.Collections.Generic;
using System.Linq;
using Dsl.Parser.Diagnostics;

namespace Dsl.Onnx;

/// <summary>
/// A model that cannot be written as ONNX: located errors in its .cmodel file (<see cref="Diagnostics"/>:
/// a method or layer without a lowering), or trained tensors that do not fit its definition.
/// </summary>
public sealed class OnnxExportException : Exception
{
    public OnnxExportException(string message) : base(message) => Diagnostics = new Diagnostic[0];

    public OnnxExportException(IEnumerable<Diagnostic> diagnostics) : this(diagnostics.ToList())
    {
    }

    private OnnxExportException(IReadOnlyList<Diagnostic> diagnostics) : base(string.Join(Environment.NewLine, diagnostics)) => Diagnostics = diagnostics;

    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}
