using System.Collections.Generic;
using Dsl.Parser.Diagnostics;

namespace Dsl.Parser.Methods;

/// <summary>N:M sparsity's diagnostics (@sparse): ids CM0601 onwards.</summary>
public static class SparseDiagnostics
{
    public static readonly DiagnosticDescriptor NotBelowM = DiagnosticDescriptor.Error("CM0601", "N not below M");
    public static readonly DiagnosticDescriptor OtherMethodsArgument = DiagnosticDescriptor.Error("CM0602", "Argument of another sparsity method");
    public static readonly DiagnosticDescriptor ReducedNotDivisible = DiagnosticDescriptor.Error("CM0603", "Reduced dimension not divisible by M");
    public static readonly DiagnosticDescriptor OutputsNotDivisible = DiagnosticDescriptor.Error("CM0604", "Output channels not divisible by M");
    public static readonly DiagnosticDescriptor Transposed = DiagnosticDescriptor.Error("CM0605", "N:M sparsity on a transposed convolution");

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = new[] { NotBelowM, OtherMethodsArgument, ReducedNotDivisible, OutputsNotDivisible, Transposed };
}
