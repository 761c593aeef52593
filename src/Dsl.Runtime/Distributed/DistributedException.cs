using System;

namespace Dsl.Runtime.Distributed;

/// <summary>Data-parallel training could not go on: MPI is missing, a collective failed, or a rank stopped answering.</summary>
public sealed class DistributedException : Exception
{
    public DistributedException(string message) : base(message)
    {
    }
}
