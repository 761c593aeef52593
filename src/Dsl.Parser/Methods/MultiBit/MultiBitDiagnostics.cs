using System.Collections.Generic;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Methods;

/// <summary>MultiQuant's diagnostics (@multibit): ids CM0701 onwards.</summary>
public static class MultiBitDiagnostics
{
    public static readonly DiagnosticDescriptor BadWidths = DiagnosticDescriptor.Error("CM0701", "Bit-widths out of range or repeated");
    public static readonly DiagnosticDescriptor AmortizedWithSwitch = DiagnosticDescriptor.Error("CM0702", "Branch selection without branches");
    public static readonly DiagnosticDescriptor UnsupportedLayer = DiagnosticDescriptor.Error("CM0703", "Layer a multi-bit body cannot run");
    public static readonly DiagnosticDescriptor NoBody = DiagnosticDescriptor.Error("CM0704", "No layer in the multi-bit body");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[] { BadWidths, AmortizedWithSwitch, UnsupportedLayer, NoBody };
}
