console.log('voxelflow-pick: not implemented yet');
