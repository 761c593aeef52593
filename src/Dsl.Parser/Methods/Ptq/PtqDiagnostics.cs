using System.Collections.Generic;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Methods;

/// <summary>Post-training quantization's diagnostics (@ptq): ids CM0801 onwards.</summary>
public static class PtqDiagnostics
{
    public static readonly DiagnosticDescriptor BitsOutOfRange = DiagnosticDescriptor.Error("CM0801", "Bit-width out of range");
    public static readonly DiagnosticDescriptor MorePointsThanValues = DiagnosticDescriptor.Error("CM0802", "More points than the universal set holds");
    public static readonly DiagnosticDescriptor OtherMethodsArgument = DiagnosticDescriptor.Error("CM0803", "Argument of another method");
    public static readonly DiagnosticDescriptor UnsupportedLayer = DiagnosticDescriptor.Error("CM0804", "Layer this method cannot quantize");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[] { BitsOutOfRange, MorePointsThanValues, OtherMethodsArgument, UnsupportedLayer };
}
