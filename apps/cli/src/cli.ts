console.log('voxelflow: not implemented yet');
